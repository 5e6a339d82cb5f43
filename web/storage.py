from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's hashed, compressed static files, gzip only.

    whitenoise adds Brotli copies whenever the brotli package is importable, and a
    development tool (locust, through geventhttpclient) installs it: collectstatic
    then spends ~45 s of CPU more here. Gzip only keeps the output, and its cost,
    the same in production, development and CI.
    """

    def create_compressor(self, **kwargs):
        return super().create_compressor(use_brotli=False, **kwargs)
