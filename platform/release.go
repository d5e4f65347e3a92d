package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/anomalydetector"
)

// detectorRelease is how a new detector version reaches the live alias. Prod
// sends 10% of invocations to it for ten minutes first (CodeDeploy's
// LambdaCanary10Percent10Minutes: two periods of the 5-minute alarms), so a
// bad version is rolled back by its error or latency alarm while most frames
// still reach the old one. Dev moves all traffic at once, for fast iteration:
// its alarms page but have no window to roll back.
func detectorRelease(environment string) anomalydetector.ReleaseArgs {
	if environment == "prod" {
		return anomalydetector.ReleaseArgs{
			Strategy:        anomalydetector.ReleaseCanary,
			Percentage:      10,
			IntervalMinutes: 10,
		}
	}
	return anomalydetector.ReleaseArgs{Strategy: anomalydetector.ReleaseAllAtOnce}
}

// exportRelease publishes what the release procedure (docs/operating.md)
// needs: the CodeDeploy application and group, the live alias, the alarms that
// roll a release back, and the AppSpec from the version the alias serves to
// the version this update published.
func (d *deployment) exportRelease(ctx *pulumi.Context) {
	release := d.detector.Release
	if release == nil {
		return
	}
	ctx.Export("detectorLiveAliasArn", release.LiveAliasARN)
	ctx.Export("detectorDeploymentApplication", release.ApplicationName)
	ctx.Export("detectorDeploymentGroup", release.DeploymentGroupName)
	ctx.Export("detectorRollbackAlarms", release.RollbackAlarmNames)
	ctx.Export("detectorAppSpec", release.AppSpec)
}
