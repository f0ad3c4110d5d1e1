//! Terraform: `aws_ecs_task_definition` and `aws_ecs_service` in `.tf` files and in
//! `terraform show -json` output, in the ECS API's shape.
