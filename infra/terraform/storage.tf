# The three buckets: inputs (tonight's data), outputs (scores, manifests), models (the registry). Each versioned,
# encrypted, private, and rid of the parts of uploads that never completed (a killed worker leaves some).
resource "aws_s3_bucket" "nightshift" {
  for_each = local.buckets
  bucket   = each.value
}

resource "aws_s3_bucket_versioning" "nightshift" {
  for_each = aws_s3_bucket.nightshift
  bucket   = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "nightshift" {
  for_each = aws_s3_bucket.nightshift
  bucket   = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "nightshift" {
  for_each = aws_s3_bucket.nightshift
  bucket   = each.value.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "nightshift" {
  for_each = aws_s3_bucket.nightshift
  bucket   = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "nightshift" {
  for_each = aws_s3_bucket.nightshift
  bucket   = each.value.id

  # Depends on versioning: a lifecycle rule on non-current versions needs it enabled first.
  depends_on = [aws_s3_bucket_versioning.nightshift]

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 2
    }
  }

  rule {
    id     = "expire-old-versions"
    status = "Enabled"
    filter {}

    # Overwritten or deleted objects stay restorable for a month (runbooks/bad-input-file.md), then go.
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}
