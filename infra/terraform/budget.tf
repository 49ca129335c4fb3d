# A monthly cost budget for everything tagged project=nightshift (provider default_tags), with an e-mail alert when
# actual spend passes 80 % and when the forecast passes 100 %. It alerts; it does not stop anything: the hard caps are
# the GPU node group's max size (var.gpu_max_nodes); per run, `nightshift plan` checks the job spec's budget block.
# The tag must be activated as a cost allocation tag in the Billing console once (README.md).
resource "aws_budgets_budget" "monthly" {
  name         = "${local.name}-monthly"
  budget_type  = "COST"
  limit_amount = tostring(var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  cost_filter {
    name   = "TagKeyValue"
    values = ["user:project$nightshift"]
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 80
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.budget_alert_emails
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = var.budget_alert_emails
  }
}
