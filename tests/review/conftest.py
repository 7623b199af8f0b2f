from tests.pool.conftest import _media, applicant, batch  # noqa: F401  (the pool app's fixtures)
