# IAM roles for service accounts (IRSA): one role per Kubernetes service account (infra/k8s/serviceaccounts.yaml),
# each trusted only by that account through the cluster's OIDC provider and allowed only what its pods do.
# No statement grants a wildcard action, and every one names its buckets.
locals {
  bucket_arns  = { for key, bucket in aws_s3_bucket.nightshift : key => bucket.arn }
  object_arns  = { for key, bucket in aws_s3_bucket.nightshift : key => "${bucket.arn}/*" }
  oidc_subject = replace(module.eks.cluster_oidc_issuer_url, "https://", "")
}

data "aws_iam_policy_document" "trust" {
  for_each = toset(["serve", "worker"])

  statement {
    sid     = "ServiceAccount${title(each.key)}"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [module.eks.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_subject}:sub"
      values   = ["system:serviceaccount:${var.kubernetes_namespace}:nightshift-${each.key}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_subject}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

# Workers score partitions: read the inputs and the model, write part files. Nothing else: the manager (serve)
# plans, commits manifests and deletes orphans.
data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "ListInputsAndModels"
    actions   = ["s3:ListBucket"]
    resources = [local.bucket_arns.inputs, local.bucket_arns.models]
  }

  statement {
    sid       = "ReadInputsAndModels"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [local.object_arns.inputs, local.object_arns.models]
  }

  statement {
    sid       = "WriteOutputParts"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = [local.object_arns.outputs]
  }
}

# serve plans runs (lists and pins inputs), commits outputs (conditional create of manifests and claims, deletion of
# orphaned and replaced parts), scores locally-partitioned runs, and writes the model registry (register, promote).
data "aws_iam_policy_document" "serve" {
  statement {
    sid       = "ListAllThree"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = values(local.bucket_arns)
  }

  statement {
    sid       = "ReadInputs"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [local.object_arns.inputs]
  }

  statement {
    sid       = "ReadWriteOutputsAndModels"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = [local.object_arns.outputs, local.object_arns.models]
  }
}

resource "aws_iam_role" "service_account" {
  for_each = toset(["serve", "worker"])

  name               = "nightshift-${each.key}"
  description        = "IRSA role of the nightshift-${each.key} service account"
  assume_role_policy = data.aws_iam_policy_document.trust[each.key].json
}

resource "aws_iam_role_policy" "serve" {
  name   = "nightshift-serve-s3"
  role   = aws_iam_role.service_account["serve"].id
  policy = data.aws_iam_policy_document.serve.json
}

resource "aws_iam_role_policy" "worker" {
  name   = "nightshift-worker-s3"
  role   = aws_iam_role.service_account["worker"].id
  policy = data.aws_iam_policy_document.worker.json
}
