terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # State in S3 with native locking; pass the bucket at init: terraform init -backend-config=backend.hcl (README.md).
  backend "s3" {
    key          = "nightshift/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "nightshift"
      environment = var.environment
      managed-by  = "terraform"
    }
  }
}
