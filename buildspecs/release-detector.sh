#!/usr/bin/env bash
# Releases the detector version that `pulumi up` just published: CodeDeploy
# shifts the `live` alias (all at once in dev, a canary in prod) and rolls back
# on the detector's alarms. The procedure is docs/operating.md, section 3; the
# AppSpec comes from the stack, never from a hand-kept file. Nothing happens
# when `live` already serves the published version.
set -euo pipefail

: "${PULUMI_STACK:?PULUMI_STACK is not set (the project names the stack)}"

revision=$(mktemp -d)/revision.json
pulumi stack output detectorAppSpec --stack "$PULUMI_STACK" |
	go run ./cmd/mediguard appspec --format revision --out "$revision"
if [ ! -f "$revision" ]; then
	echo "detector: live already serves the published version; no release"
	exit 0
fi
id=$(aws deploy create-deployment \
	--application-name "$(pulumi stack output detectorDeploymentApplication --stack "$PULUMI_STACK")" \
	--deployment-group-name "$(pulumi stack output detectorDeploymentGroup --stack "$PULUMI_STACK")" \
	--revision "file://$revision" \
	--description "detector ${CODEBUILD_RESOLVED_SOURCE_VERSION:-manual}" \
	--query deploymentId --output text)
echo "detector: CodeDeploy deployment $id"
# Fails the build when CodeDeploy stops the deployment or rolls it back.
aws deploy wait deployment-successful --deployment-id "$id"
