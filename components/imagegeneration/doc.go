// Package imagegeneration provides the ImageGeneration component
// (mediguard:video:ImageGeneration): it turns on Kinesis Video Streams image
// generation for the camera streams at deploy time, so that `pulumi up` alone
// makes JPEG frames flow from the streams into the frames bucket.
//
// pulumi-aws v6 has no field for a stream's image generation configuration,
// so the component deploys the kvsconfig Go function (provided.al2023, arm64,
// in the private subnets, where the kinesisvideo interface endpoint serves
// the control plane) and invokes it with aws.lambda.Invocation in the CRUD
// lifecycle scope: on create and update it applies the configuration to every
// stream (and turns it off on streams that left the list), on delete it turns
// generation off. The function has its own KMS-encrypted log group with
// retention, a least-privilege role (describe and update image generation on
// exactly the given stream ARNs), active tracing, a reserved concurrency of
// one and an encrypted dead-letter queue.
//
// Kinesis Video Streams writes the images with the credentials of the
// producer that sends the video with PutMedia (Kinesis Video Streams
// Developer Guide, "Automated real-time image generation"), not with a
// service principal or the caller of UpdateImageGenerationConfiguration. So
// the component also attaches to each stream's producer role a policy that
// lets it put objects only under the frame prefix, only with names of its own
// stream (<prefix>[<image prefix>_]<account>_<stream>_<timecode>_<id>.jpg),
// and use the PHI key through S3 to encrypt them.
package imagegeneration
