output "cluster_name" {
  description = "EKS cluster name: aws eks update-kubeconfig --name $(terraform output -raw cluster_name)."
  value       = module.eks.cluster_name
}

output "database_jdbc_url" {
  description = "SPRING_DATASOURCE_URL for infra/k8s/configmap.yaml."
  value       = "jdbc:postgresql://${aws_db_instance.nightshift.address}:${aws_db_instance.nightshift.port}/${aws_db_instance.nightshift.db_name}"
}

output "database_secret_arn" {
  description = "Secrets Manager secret RDS keeps the database user's password in (infra/k8s/secret.yaml)."
  value       = aws_db_instance.nightshift.master_user_secret[0].secret_arn
}

output "rabbitmq_amqps_endpoint" {
  description = "SPRING_RABBITMQ_ADDRESSES for infra/k8s/configmap.yaml."
  value       = aws_mq_broker.rabbitmq.instances[0].endpoints[0]
}

output "rabbitmq_secret_arn" {
  description = "Secrets Manager secret with the broker user's password (infra/k8s/secret.yaml)."
  value       = aws_secretsmanager_secret.rabbitmq.arn
}

output "buckets" {
  description = "Bucket names by purpose (inputs, outputs, models)."
  value       = { for key, bucket in aws_s3_bucket.nightshift : key => bucket.bucket }
}

output "serve_role_arn" {
  description = "IAM role for the nightshift-serve service account (eks.amazonaws.com/role-arn)."
  value       = aws_iam_role.service_account["serve"].arn
}

output "worker_role_arn" {
  description = "IAM role for the nightshift-worker service account (eks.amazonaws.com/role-arn)."
  value       = aws_iam_role.service_account["worker"].arn
}
