// Pulumi type tokens the pack inspects. S3 side resources are listed for both pulumi-aws v6
// (the *V2 names) and v7 (the V2 suffix dropped; aws:s3/bucket:Bucket has the V2 shape there).

function s3Pair(v6: string, v7: string): readonly string[] {
    return [`aws:s3/${lowerFirst(v6)}:${v6}`, `aws:s3/${lowerFirst(v7)}:${v7}`];
}

function lowerFirst(s: string): string {
    return s.charAt(0).toLowerCase() + s.slice(1);
}

export const S3 = {
    bucket: s3Pair("BucketV2", "Bucket"),
    encryption: s3Pair(
        "BucketServerSideEncryptionConfigurationV2",
        "BucketServerSideEncryptionConfiguration",
    ),
    versioning: s3Pair("BucketVersioningV2", "BucketVersioning"),
    objectLock: s3Pair("BucketObjectLockConfigurationV2", "BucketObjectLockConfiguration"),
    logging: s3Pair("BucketLoggingV2", "BucketLogging"),
    lifecycle: s3Pair("BucketLifecycleConfigurationV2", "BucketLifecycleConfiguration"),
    acl: s3Pair("BucketAclV2", "BucketAcl"),
    publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    ownershipControls: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    policy: ["aws:s3/bucketPolicy:BucketPolicy"],
    replication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
    notification: ["aws:s3/bucketNotification:BucketNotification"],
    accountPublicAccessBlock: ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
} as const;

export const EC2 = {
    vpc: ["aws:ec2/vpc:Vpc"],
    subnet: ["aws:ec2/subnet:Subnet"],
    flowLog: ["aws:ec2/flowLog:FlowLog"],
    defaultSecurityGroup: ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
    securityGroup: ["aws:ec2/securityGroup:SecurityGroup"],
    securityGroupRule: ["aws:ec2/securityGroupRule:SecurityGroupRule"],
    ingressRule: ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"],
    networkAcl: ["aws:ec2/networkAcl:NetworkAcl"],
    networkAclRule: ["aws:ec2/networkAclRule:NetworkAclRule"],
    route: ["aws:ec2/route:Route"],
    routeTable: ["aws:ec2/routeTable:RouteTable"],
    internetGateway: ["aws:ec2/internetGateway:InternetGateway"],
    internetGatewayAttachment: ["aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"],
    vpcEndpoint: ["aws:ec2/vpcEndpoint:VpcEndpoint"],
} as const;

export const KMS = {
    key: ["aws:kms/key:Key"],
    keyPolicy: ["aws:kms/keyPolicy:KeyPolicy"],
    alias: ["aws:kms/alias:Alias"],
} as const;

export const KINESIS = {
    videoStream: ["aws:kinesis/videoStream:VideoStream"],
    stream: ["aws:kinesis/stream:Stream"],
} as const;

export const LAMBDA = {
    function: ["aws:lambda/function:Function"],
    permission: ["aws:lambda/permission:Permission"],
    functionUrl: ["aws:lambda/functionUrl:FunctionUrl"],
    eventInvokeConfig: ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"],
    eventSourceMapping: ["aws:lambda/eventSourceMapping:EventSourceMapping"],
    invocation: ["aws:lambda/invocation:Invocation"],
} as const;

export const MESSAGING = {
    topic: ["aws:sns/topic:Topic"],
    topicPolicy: ["aws:sns/topicPolicy:TopicPolicy"],
    queue: ["aws:sqs/queue:Queue"],
    topicSubscription: ["aws:sns/topicSubscription:TopicSubscription"],
    queuePolicy: ["aws:sqs/queuePolicy:QueuePolicy"],
    redrivePolicy: ["aws:sqs/redrivePolicy:RedrivePolicy"],
} as const;

export const DYNAMODB = {
    table: ["aws:dynamodb/table:Table"],
    backupSelection: ["aws:backup/selection:Selection"],
    scalingTarget: ["aws:appautoscaling/target:Target"],
} as const;

export const LOGGING = {
    trail: ["aws:cloudtrail/trail:Trail"],
    logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
    metricAlarm: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
    metricFilter: ["aws:cloudwatch/logMetricFilter:LogMetricFilter"],
} as const;

export const IAM = {
    role: ["aws:iam/role:Role"],
    rolePolicy: ["aws:iam/rolePolicy:RolePolicy"],
    policy: ["aws:iam/policy:Policy"],
    rolePolicyAttachment: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
    userPolicy: ["aws:iam/userPolicy:UserPolicy"],
    groupPolicy: ["aws:iam/groupPolicy:GroupPolicy"],
    passwordPolicy: ["aws:iam/accountPasswordPolicy:AccountPasswordPolicy"],
} as const;

export const ACCOUNT = {
    guardDutyDetector: ["aws:guardduty/detector:Detector"],
    securityHubAccount: ["aws:securityhub/account:Account"],
    securityHubStandard: ["aws:securityhub/standardsSubscription:StandardsSubscription"],
    configRecorder: ["aws:cfg/recorder:Recorder"],
    configRecorderStatus: ["aws:cfg/recorderStatus:RecorderStatus"],
    configDeliveryChannel: ["aws:cfg/deliveryChannel:DeliveryChannel"],
} as const;

export const DELIVERY = {
    codeBuildProject: ["aws:codebuild/project:Project"],
    codePipeline: ["aws:codepipeline/pipeline:Pipeline"],
} as const;

/** True when type is one of tokens. */
export function isOneOf(type: string, tokens: readonly string[]): boolean {
    return tokens.includes(type);
}
