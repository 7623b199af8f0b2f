"""Numbers the policy texts fix for batches and uploads, declared once and referenced everywhere else.

Quotas: 《专利产业化促进中小企业成长计划》解读 (seeds/003): "每个省份推荐入库企业数量一般不超过300家 … 适度放宽 …
但不应超过500家". A batch's province quota defaults to the first and may never exceed the second.
"""

PROVINCE_QUOTA_DEFAULT = 300
PROVINCE_QUOTA_MAX = 500

# Evidence files: what a reviewer can open safely in a browser or office suite, and the size the upload page
# announces to enterprises.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "xlsx", "docx")
