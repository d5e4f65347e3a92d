// Package phikey provides PhiKey, a Pulumi component for a customer-managed KMS
// key that protects one class of MediGuard data (PHI or audit records).
//
// The key is symmetric, rotates yearly, waits the longest deletion window (30
// days) and carries an alias. Its key policy names exactly who may use it:
//
//   - key administrators (default: the account root, which delegates to IAM)
//     get administration actions only, never Encrypt or Decrypt;
//   - principals of this account may use the key only through the AWS services
//     listed in ViaServices (kms:ViaService and kms:CallerAccount);
//   - services that use the key under their own identity (CloudTrail,
//     CloudWatch Logs, notification publishers) are admitted one by one, limited
//     by encryption context where AWS supports it and by source account.
//
// The lockout safety check is never bypassed.
//
// Example:
//
//	phi, err := phikey.NewPhiKey(ctx, "phi", &phikey.PhiKeyArgs{
//		Purpose:     phikey.PurposePHI,
//		ViaServices: []phikey.Service{phikey.ServiceS3, phikey.ServiceKinesisVideo, phikey.ServiceLambda},
//		Protect:     true,
//	})
//	if err != nil {
//		return err
//	}
//	audit, err := phikey.NewPhiKey(ctx, "audit", &phikey.PhiKeyArgs{
//		Purpose:           phikey.PurposeAudit,
//		ViaServices:       []phikey.Service{phikey.ServiceS3},
//		ServicePrincipals: []phikey.ServicePrincipal{phikey.PrincipalCloudTrail, phikey.PrincipalCloudWatchLogs},
//	})
//	if err != nil {
//		return err
//	}
//	ctx.Export("phiKeyArn", phi.KeyARN)
//	ctx.Export("auditKeyArn", audit.KeyARN)
package phikey
