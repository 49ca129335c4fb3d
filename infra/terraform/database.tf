# The shared job repository (Spring Batch, Quartz, leases, registry): PostgreSQL on RDS, encrypted, backed up,
# reachable only from the cluster's nodes. The master password is generated and kept by RDS in Secrets Manager.
resource "aws_db_subnet_group" "nightshift" {
  name       = local.name
  subnet_ids = local.private_subnet_ids
}

resource "aws_security_group" "database" {
  name        = "${local.name}-database"
  description = "PostgreSQL from the EKS nodes only"
  vpc_id      = local.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "database_from_nodes" {
  security_group_id            = aws_security_group.database.id
  referenced_security_group_id = module.eks.node_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from the EKS nodes"
}

resource "aws_db_instance" "nightshift" {
  identifier     = local.name
  engine         = "postgres"
  engine_version = "17"
  instance_class = var.database_instance_class
  db_name        = "nightshift"
  username       = "nightshift"

  manage_master_user_password = true

  allocated_storage     = 50
  max_allocated_storage = 500
  storage_type          = "gp3"
  storage_encrypted     = true

  multi_az                = var.database_multi_az
  db_subnet_group_name    = aws_db_subnet_group.nightshift.name
  vpc_security_group_ids  = [aws_security_group.database.id]
  publicly_accessible     = false
  backup_retention_period = var.database_backup_retention_days
  backup_window           = "12:00-13:00"
  maintenance_window      = "sun:13:30-sun:14:30"
  deletion_protection     = true
  copy_tags_to_snapshot   = true

  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"

  performance_insights_enabled = true
}
