package phibucket

import (
	"slices"

	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// Statement IDs of the bucket, log bucket and replication policies.
const (
	SidDenyInsecureTransport = "DenyInsecureTransport"
	SidDenyOutdatedTLS       = "DenyOutdatedTLS"
	SidDenyNonKMSEncryption  = "DenyNonKMSEncryption"
	SidDenyWrongKMSKey       = "DenyWrongKMSKey"
	SidAllowServerAccessLogs = "AllowS3ServerAccessLogs"

	SidReadReplicationConfiguration = "ReadReplicationConfiguration"
	SidReadSourceVersions           = "ReadSourceVersions"
	SidWriteReplicas                = "WriteReplicas"
	SidDecryptSource                = "DecryptSource"
	SidEncryptReplicas              = "EncryptReplicas"
)

// AccessLogPrefix is the key prefix of the server access logs in the log bucket.
const AccessLogPrefix = "access-logs/"

// minimumTLSVersion is the oldest TLS version the buckets accept.
const minimumTLSVersion = "1.2"

// transportStatements deny every request over plain HTTP or TLS older than 1.2,
// whoever makes it.
func transportStatements(bucketARN string) []policydoc.Statement {
	everything := []string{bucketARN, bucketARN + "/*"}
	return []policydoc.Statement{
		{
			Sid: SidDenyInsecureTransport, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"s3:*"}, Resources: everything,
			Conditions: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		{
			Sid: SidDenyOutdatedTLS, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"s3:*"}, Resources: everything,
			Conditions: policydoc.Conditions{"NumericLessThan": {"s3:TlsVersion": {minimumTLSVersion}}},
		},
	}
}

// dataBucketPolicy is the policy of the PHI (or audit) bucket: TLS 1.2 only, and
// every object encrypted with keyARN. An upload that sends no encryption
// headers gets the bucket's default (SSE-KMS with keyARN); one that asks for any
// other algorithm, or for aws:kms with another key or with no key ID (which S3
// would serve with the AWS managed aws/s3 key), is denied. Clients that name
// the key must name it by ARN.
//
// Extra service statements follow, their relative resources resolved against
// bucketARN. The services they admit are exempt from the two encryption denies
// (aws:PrincipalServiceName): their encryption is configured on their own
// resource, and CloudTrail, for one, has written digest files (hashes and
// signatures only) with SSE-S3 even when its log files use SSE-KMS.
func dataBucketPolicy(bucketARN, keyARN string, extra []policydoc.Statement) policydoc.Document {
	objects := []string{bucketARN + "/*"}
	nonKMS := policydoc.Conditions{"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": {"aws:kms"}}}
	wrongKey := policydoc.Conditions{
		"StringEquals":    {"s3:x-amz-server-side-encryption": {"aws:kms"}},
		"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {keyARN}},
	}
	if services := servicePrincipals(extra); len(services) > 0 {
		nonKMS["StringNotEqualsIfExists"]["aws:PrincipalServiceName"] = services
		wrongKey["StringNotEqualsIfExists"] = map[string][]string{"aws:PrincipalServiceName": services}
	}
	statements := append(transportStatements(bucketARN),
		policydoc.Statement{
			Sid: SidDenyNonKMSEncryption, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"s3:PutObject"}, Resources: objects, Conditions: nonKMS,
		},
		policydoc.Statement{
			Sid: SidDenyWrongKMSKey, Effect: policydoc.Deny, Principal: &policydoc.Principal{Any: true},
			Actions: []string{"s3:PutObject"}, Resources: objects, Conditions: wrongKey,
		},
	)
	for _, s := range extra {
		statements = append(statements, resolveResources(bucketARN, s))
	}
	return policydoc.New(statements...)
}

// servicePrincipals lists, sorted and once each, the services the statements admit.
func servicePrincipals(statements []policydoc.Statement) []string {
	var services []string
	for _, s := range statements {
		for _, service := range s.Principal.Service {
			if !slices.Contains(services, service) {
				services = append(services, service)
			}
		}
	}
	slices.Sort(services)
	return services
}

// resolveResources turns a service statement's bucket-relative resources into ARNs.
func resolveResources(bucketARN string, s policydoc.Statement) policydoc.Statement {
	resolved := make([]string, 0, len(s.Resources))
	for _, r := range s.Resources {
		if r == BucketItself {
			resolved = append(resolved, bucketARN)
		} else {
			resolved = append(resolved, bucketARN+"/"+r)
		}
	}
	s.Resources = resolved
	return s
}

// logBucketPolicy is the policy of the access-log bucket: TLS 1.2 only, and the
// S3 logging service may write logs of sourceBucketARN, from this account, under
// AccessLogPrefix. Nothing else is allowed by the bucket policy.
func logBucketPolicy(env awsenv.Environment, logBucketARN, sourceBucketARN string) policydoc.Document {
	return policydoc.New(append(transportStatements(logBucketARN), policydoc.Statement{
		Sid:       SidAllowServerAccessLogs,
		Effect:    policydoc.Allow,
		Principal: &policydoc.Principal{Service: []string{"logging.s3.amazonaws.com"}},
		Actions:   []string{"s3:PutObject"},
		Resources: []string{logBucketARN + "/" + AccessLogPrefix + "*"},
		Conditions: policydoc.Conditions{
			"ArnLike":      {"aws:SourceArn": {sourceBucketARN}},
			"StringEquals": {"aws:SourceAccount": {env.AccountID}},
		},
	})...)
}

// replicationTrustPolicy lets only S3, acting for sourceBucketARN in this
// account, assume the replication role.
func replicationTrustPolicy(env awsenv.Environment, sourceBucketARN string) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Effect:    policydoc.Allow,
		Principal: &policydoc.Principal{Service: []string{"s3.amazonaws.com"}},
		Actions:   []string{"sts:AssumeRole"},
		Conditions: policydoc.Conditions{
			"StringEquals": {"aws:SourceAccount": {env.AccountID}},
			"ArnLike":      {"aws:SourceArn": {sourceBucketARN}},
		},
	})
}

// replicationPermissions is what the replication role may do: read the source
// bucket's versions, write replicas into the destination, decrypt with the
// source key only for source objects (via S3 in this region), and encrypt with
// the replica key only for destination objects. The encryption-context values
// include the bare bucket ARN because, with S3 Bucket Keys, S3 uses it as the
// context instead of the object ARN.
func replicationPermissions(env awsenv.Environment, sourceBucketARN, keyARN, replicaBucketARN, replicaKeyARN string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid: SidReadReplicationConfiguration, Effect: policydoc.Allow,
			Actions:   []string{"s3:GetReplicationConfiguration", "s3:ListBucket"},
			Resources: []string{sourceBucketARN},
		},
		policydoc.Statement{
			Sid: SidReadSourceVersions, Effect: policydoc.Allow,
			Actions: []string{
				"s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectVersionAcl",
				"s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging",
			},
			Resources: []string{sourceBucketARN + "/*"},
		},
		policydoc.Statement{
			Sid: SidWriteReplicas, Effect: policydoc.Allow,
			Actions:   []string{"s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"},
			Resources: []string{replicaBucketARN + "/*"},
		},
		policydoc.Statement{
			Sid: SidDecryptSource, Effect: policydoc.Allow,
			Actions:   []string{"kms:Decrypt"},
			Resources: []string{keyARN},
			Conditions: policydoc.Conditions{
				"StringEquals": {"kms:ViaService": {"s3." + env.Region + ".amazonaws.com"}},
				"StringLike":   {"kms:EncryptionContext:aws:s3:arn": {sourceBucketARN, sourceBucketARN + "/*"}},
			},
		},
		policydoc.Statement{
			Sid: SidEncryptReplicas, Effect: policydoc.Allow,
			Actions:   []string{"kms:Encrypt", "kms:GenerateDataKey"},
			Resources: []string{replicaKeyARN},
			Conditions: policydoc.Conditions{
				"StringLike": {"kms:EncryptionContext:aws:s3:arn": {replicaBucketARN, replicaBucketARN + "/*"}},
			},
		},
	)
}
