//! CloudFormation templates (and CDK and SAM output): `AWS::ECS::TaskDefinition` and
//! `AWS::ECS::Service` resources in the ECS API's shape.
