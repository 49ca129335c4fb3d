variable "region" {
  description = "AWS region for every resource (the S3 buckets too: NIGHTSHIFT_S3_REGION in infra/k8s/configmap.yaml)."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Environment name, used in resource names and tags (e.g. prod, staging)."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "existing_vpc_id" {
  description = "An existing VPC to deploy into; empty (the default) creates one with terraform-aws-modules/vpc."
  type        = string
  default     = ""
}

variable "existing_private_subnet_ids" {
  description = "Private subnets of existing_vpc_id (at least two, in different zones); ignored when a VPC is created."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.existing_private_subnet_ids) == 0 || length(var.existing_private_subnet_ids) >= 2
    error_message = "existing_private_subnet_ids needs at least two subnets in different availability zones (EKS and RDS require two)."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC created when existing_vpc_id is empty."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block such as 10.40.0.0/16."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (1.32 or later: the pods' preStop hooks use the native sleep action)."
  type        = string
  default     = "1.33"
}

variable "serve_instance_types" {
  description = "On-demand instance types for the serve node group (scheduler, API, run manager)."
  type        = list(string)
  default     = ["m7i.large", "m6i.large"]
}

variable "serve_nodes" {
  description = "Number of on-demand nodes for serve (two replicas spread over zones: at least 2)."
  type        = number
  default     = 2

  validation {
    condition     = var.serve_nodes >= 2 && var.serve_nodes <= 6
    error_message = "serve_nodes must be between 2 and 6: two serve replicas need two nodes, more is waste."
  }
}

variable "gpu_instance_types" {
  description = "Spot GPU instance types for the worker node group, one GPU each (several, so spot capacity is found in more pools). Prices: config/pricing/aws-gpu.yaml."
  type        = list(string)
  default     = ["g4dn.xlarge", "g5.xlarge", "g6.xlarge", "g4dn.2xlarge", "g5.2xlarge", "g6.2xlarge"]

  validation {
    condition     = length(var.gpu_instance_types) >= 3
    error_message = "gpu_instance_types needs at least three types: a single spot pool is reclaimed all at once."
  }
}

variable "gpu_max_nodes" {
  description = "Hard cap on spot GPU worker nodes: the most the autoscaler may ever buy (an unbounded autoscaler once bought 58 GPU instances overnight)."
  type        = number
  default     = 10

  validation {
    condition     = var.gpu_max_nodes >= 1 && var.gpu_max_nodes <= 50 && floor(var.gpu_max_nodes) == var.gpu_max_nodes
    error_message = "gpu_max_nodes must be a whole number from 1 to 50; raising the cap beyond 50 is a decision, not a default: change this validation in review."
  }
}

variable "database_instance_class" {
  description = "RDS instance class of the PostgreSQL job repository."
  type        = string
  default     = "db.t4g.medium"
}

variable "database_multi_az" {
  description = "Run the job repository as a Multi-AZ RDS instance (a standby that takes over in a failover, runbooks/database-failover.md)."
  type        = bool
  default     = true
}

variable "database_backup_retention_days" {
  description = "Days of automated RDS backups kept (point-in-time recovery window)."
  type        = number
  default     = 14

  validation {
    condition     = var.database_backup_retention_days >= 7 && var.database_backup_retention_days <= 35
    error_message = "database_backup_retention_days must be from 7 to 35 (RDS's maximum); the job repository is the source of truth for every run."
  }
}

variable "rabbitmq_instance_type" {
  description = "Amazon MQ broker instance type for RabbitMQ (remote partitioning's queue)."
  type        = string
  default     = "mq.m7g.medium"
}

variable "monthly_budget_usd" {
  description = "Monthly AWS budget in US dollars for the project's resources; the alert fires at 80 % actual and 100 % forecast."
  type        = number
  default     = 3000

  validation {
    condition     = var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd must be a positive number of dollars."
  }
}

variable "budget_alert_emails" {
  description = "E-mail addresses that receive the budget alerts."
  type        = list(string)

  validation {
    condition     = length(var.budget_alert_emails) > 0 && alltrue([for address in var.budget_alert_emails : can(regex("^[^@ ]+@[^@ ]+$", address))])
    error_message = "budget_alert_emails needs at least one e-mail address: a budget nobody hears about does not cap anything."
  }
}

variable "bucket_prefix" {
  description = "Prefix of the S3 bucket names (globally unique): PREFIX-ENVIRONMENT-inputs, -outputs, -models."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,30}$", var.bucket_prefix))
    error_message = "bucket_prefix must be 3-31 lower-case letters, digits or dashes (S3 bucket naming rules)."
  }
}

variable "kubernetes_namespace" {
  description = "Namespace of the nightshift pods (infra/k8s/namespace.yaml); the IRSA trust policies name its service accounts."
  type        = string
  default     = "nightshift"
}
