locals {
  name = "nightshift-${var.environment}"

  create_vpc         = var.existing_vpc_id == ""
  vpc_id             = local.create_vpc ? module.vpc[0].vpc_id : var.existing_vpc_id
  private_subnet_ids = local.create_vpc ? module.vpc[0].private_subnets : var.existing_private_subnet_ids

  # The label the pods' node affinity selects on (infra/k8s/serve.yaml, worker.yaml), beside EKS's own
  # eks.amazonaws.com/capacityType.
  node_role_label = "nightshift.io/node-role"

  buckets = {
    inputs  = "${var.bucket_prefix}-${var.environment}-inputs"
    outputs = "${var.bucket_prefix}-${var.environment}-outputs"
    models  = "${var.bucket_prefix}-${var.environment}-models"
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_caller_identity" "current" {}
