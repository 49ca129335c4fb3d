# EKS with two managed node groups: on-demand nodes for serve, spot GPU nodes for the workers.
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name               = local.name
  kubernetes_version = var.kubernetes_version

  vpc_id     = local.vpc_id
  subnet_ids = local.private_subnet_ids

  endpoint_public_access                   = false
  enable_cluster_creator_admin_permissions = true
  enable_irsa                              = true

  addons = {
    coredns                = {}
    kube-proxy             = {}
    vpc-cni                = { before_compute = true }
    eks-pod-identity-agent = { before_compute = true }
  }

  eks_managed_node_groups = {
    serve = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = var.serve_instance_types
      capacity_type  = "ON_DEMAND"
      min_size       = var.serve_nodes
      max_size       = var.serve_nodes
      desired_size   = var.serve_nodes
      labels         = { (local.node_role_label) = "serve" }
    }

    gpu-workers = {
      # NVIDIA drivers and the device plugin's prerequisites come with the EKS-optimised GPU AMI.
      ami_type       = "AL2023_x86_64_NVIDIA"
      instance_types = var.gpu_instance_types
      capacity_type  = "SPOT"
      # Scale from zero: nothing is paid for between nightly runs. max_size is the hard cost cap.
      min_size     = 0
      max_size     = var.gpu_max_nodes
      desired_size = 0
      labels       = { (local.node_role_label) = "gpu-worker" }
      taints = {
        gpu = {
          key    = "nvidia.com/gpu"
          value  = "true"
          effect = "NO_SCHEDULE"
        }
      }
      # A managed spot node group sets its Auto Scaling group's allocation strategy itself (capacity-optimised, choosing
      # the pools least likely to be reclaimed among instance_types) and enables capacity rebalancing: a node whose
      # capacity is at risk is replaced and drained, so its worker gets SIGTERM before the 2-minute notice runs out.
      # Many types across 3 zones give it many pools to choose from.
      block_device_mappings = {
        root = {
          device_name = "/dev/xvda"
          ebs = {
            volume_size = 100
            volume_type = "gp3"
            encrypted   = true
          }
        }
      }
    }
  }
}
