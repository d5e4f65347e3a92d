package videostream

import (
	"errors"
	"fmt"

	"github.com/mediguard/mediguard/components/policydoc"
)

// KMSViaService is the kms:ViaService value of Kinesis Video Streams in one
// region: key use through the service is allowed, direct key use is not.
func KMSViaService(region, dnsSuffix string) string {
	return "kinesisvideo." + region + "." + dnsSuffix
}

// producerTrustPolicy lets the configured principal assume the producer role:
// the IoT credentials provider only on behalf of this account
// (aws:SourceAccount), an IAM principal only with the agreed external ID.
func producerTrustPolicy(cfg streamConfig, account string) policydoc.Document {
	st := policydoc.Statement{
		Sid:     "AssumeAsCameraProducer",
		Effect:  policydoc.Allow,
		Actions: []string{"sts:AssumeRole"},
	}
	if cfg.producerPrincipal == IoTCredentialsProvider {
		st.Principal = &policydoc.Principal{Service: []string{IoTCredentialsProvider}}
		st.Conditions = policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {account}}}
	} else {
		st.Principal = &policydoc.Principal{AWS: []string{cfg.producerPrincipal}}
		st.Conditions = policydoc.Conditions{"StringEquals": {"sts:ExternalId": {cfg.producerExternalID}}}
	}
	return policydoc.New(st)
}

// producerStatements are all a camera needs to send video to one stream:
// DescribeStream, GetDataEndpoint and PutMedia on that stream, and
// kms:GenerateDataKey on the PHI key through Kinesis Video Streams only.
// Kinesis Video Streams documents kms:GenerateDataKey as the producer's only
// KMS permission (how-kms, "Example Producer Permissions"): neither
// kms:Encrypt nor kms:Decrypt is needed for PutMedia, so neither is granted.
func producerStatements(streamARN, keyARN, viaService string) []policydoc.Statement {
	return []policydoc.Statement{
		{
			Sid:       "PutMediaToThisStream",
			Effect:    policydoc.Allow,
			Actions:   []string{"kinesisvideo:DescribeStream", "kinesisvideo:GetDataEndpoint", "kinesisvideo:PutMedia"},
			Resources: []string{streamARN},
		},
		{
			Sid:        "GenerateDataKeysViaKinesisVideo",
			Effect:     policydoc.Allow,
			Actions:    []string{"kms:GenerateDataKey"},
			Resources:  []string{keyARN},
			Conditions: policydoc.Conditions{"StringEquals": {"kms:ViaService": {viaService}}},
		},
	}
}

// ConsumerGrant names what a stream consumer (the detector) reads.
type ConsumerGrant struct {
	// StreamARNs are the streams to read, e.g. every VideoStream.StreamARN.
	StreamARNs []string
	// KMSKeyARN is the key the streams are encrypted with.
	KMSKeyARN string
	// KMSViaService is VideoStream.KMSViaService (or KMSViaService(region,
	// dnsSuffix)): the key may be used only through Kinesis Video Streams.
	KMSViaService string
}

// ConsumerStatements returns the statements a role needs to read the granted
// streams: live media, archived fragments and still images, and kms:Decrypt
// on the key through Kinesis Video Streams only. Another component resolves
// the stream and key ARNs (pulumi.All(...).ApplyT), appends these to its own
// statements and renders them with policydoc.New(...).JSON().
func ConsumerStatements(g ConsumerGrant) ([]policydoc.Statement, error) {
	var errs []error
	if len(g.StreamARNs) == 0 {
		errs = append(errs, errors.New("consumer grant: no stream ARNs"))
	}
	for i, arn := range g.StreamARNs {
		if arn == "" {
			errs = append(errs, fmt.Errorf("consumer grant: stream ARN %d is empty", i))
		}
	}
	if err := checkKeyARN(g.KMSKeyARN); err != nil {
		errs = append(errs, fmt.Errorf("consumer grant: %w", err))
	}
	if g.KMSViaService == "" {
		errs = append(errs, errors.New("consumer grant: KMSViaService is empty"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return []policydoc.Statement{
		{
			Sid:    "ReadVideoStreams",
			Effect: policydoc.Allow,
			Actions: []string{
				"kinesisvideo:DescribeStream",
				"kinesisvideo:GetDataEndpoint",
				"kinesisvideo:GetImages",
				"kinesisvideo:GetMedia",
				"kinesisvideo:GetMediaForFragmentList",
				"kinesisvideo:ListFragments",
			},
			Resources: append([]string(nil), g.StreamARNs...),
		},
		{
			Sid:        "DecryptVideoViaKinesisVideo",
			Effect:     policydoc.Allow,
			Actions:    []string{"kms:Decrypt"},
			Resources:  []string{g.KMSKeyARN},
			Conditions: policydoc.Conditions{"StringEquals": {"kms:ViaService": {g.KMSViaService}}},
		},
	}, nil
}
