#!/usr/bin/env bash
# Writes the AWS profile "stack": the stack's role (STACK_ROLE_ARN), assumed
# with the CodeBuild project role's container credentials. The SDKs and the
# Pulumi AWS provider assume the role themselves and refresh it; no key or
# session token passes through the build's shell or its logs.
set -euo pipefail

: "${STACK_ROLE_ARN:?STACK_ROLE_ARN is not set (the project names the stack role)}"
: "${PULUMI_STACK:?PULUMI_STACK is not set (the project names the stack)}"

mkdir -p "$HOME/.aws"
umask 077
cat >"$HOME/.aws/config" <<PROFILE
[profile stack]
role_arn = ${STACK_ROLE_ARN}
credential_source = EcsContainer
role_session_name = mediguard-${PULUMI_STACK}-${CODEBUILD_BUILD_NUMBER:-local}
duration_seconds = 3600
PROFILE
echo "AWS profile stack: role ${STACK_ROLE_ARN}"
