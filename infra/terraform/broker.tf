# Amazon MQ for RabbitMQ: the queue remote partitioning sends partitions on (`partitions: {mode: remote}` jobs and
# `nightshift worker`; docs/OPERATIONS.md, "Scale-out"). Private, in the cluster's subnets; its password is generated here and kept in
# Secrets Manager for infra/k8s/secret.yaml.
resource "random_password" "rabbitmq" {
  length  = 32
  special = false
}

resource "aws_secretsmanager_secret" "rabbitmq" {
  name        = "nightshift/rabbitmq"
  description = "Amazon MQ (RabbitMQ) user of nightshift serve and workers"
}

resource "aws_secretsmanager_secret_version" "rabbitmq" {
  secret_id     = aws_secretsmanager_secret.rabbitmq.id
  secret_string = jsonencode({ username = "nightshift", password = random_password.rabbitmq.result })
}

resource "aws_security_group" "broker" {
  name        = "${local.name}-broker"
  description = "AMQPS from the EKS nodes only"
  vpc_id      = local.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "broker_from_nodes" {
  security_group_id            = aws_security_group.broker.id
  referenced_security_group_id = module.eks.node_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5671
  to_port                      = 5671
  description                  = "AMQPS from the EKS nodes"
}

resource "aws_mq_broker" "rabbitmq" {
  broker_name        = local.name
  engine_type        = "RabbitMQ"
  engine_version     = "3.13"
  host_instance_type = var.rabbitmq_instance_type
  # A cluster of three brokers across zones: a broker lost mid-run does not lose the queue (runbooks/rabbitmq-down.md).
  deployment_mode            = "CLUSTER_MULTI_AZ"
  publicly_accessible        = false
  subnet_ids                 = local.private_subnet_ids
  security_groups            = [aws_security_group.broker.id]
  auto_minor_version_upgrade = true

  encryption_options {
    use_aws_owned_key = true
  }

  logs {
    general = true
  }

  maintenance_window_start_time {
    day_of_week = "SUNDAY"
    time_of_day = "13:00"
    time_zone   = "UTC"
  }

  user {
    username = "nightshift"
    password = random_password.rabbitmq.result
  }
}
