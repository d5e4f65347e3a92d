package anomalydetector

import (
	"fmt"
	"maps"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/components/internal/vpcfunction"
	"github.com/mediguard/mediguard/components/policydoc"
	"github.com/mediguard/mediguard/internal/awsenv"
)

// TypeToken is the component's Pulumi type.
const TypeToken = "mediguard:detection:AnomalyDetector"

// FrameSuffix is the key suffix of the frames KVS image generation writes in JPEG format.
const FrameSuffix = ".jpg"

// StateTableHashKey and StateTableTTLAttribute define the per-camera state table.
const (
	StateTableHashKey      = "camera_id"
	StateTableTTLAttribute = "expires_at"
)

// EpisodeTableHashKey and EpisodeTableTTLAttribute define the episode table:
// one idempotency record per alerted episode, so duplicate and out-of-order
// frame deliveries and repeated offline checks alert once. It is a table of
// its own (not items in the state table) so the function's permissions on
// each are exactly what it does there, and episode records expire on their
// own schedule.
const (
	EpisodeTableHashKey      = "episode_id"
	EpisodeTableTTLAttribute = "expires_at"
)

// AnomalyDetector is the detection compute: a Go Lambda in private subnets fed
// from an encrypted SQS queue by the frames bucket's ObjectCreated
// notifications, with a dead-letter queue, a per-camera state table, an
// encrypted alert topic, a least-privilege role, its own encrypted log group
// and operational alarms.
type AnomalyDetector struct {
	pulumi.ResourceState

	FunctionARN        pulumi.StringOutput `pulumi:"functionArn"`
	FunctionName       pulumi.StringOutput `pulumi:"functionName"`
	QueueARN           pulumi.StringOutput `pulumi:"queueArn"`
	QueueURL           pulumi.StringOutput `pulumi:"queueUrl"`
	DeadLetterQueueARN pulumi.StringOutput `pulumi:"deadLetterQueueArn"`
	StateTableName     pulumi.StringOutput `pulumi:"stateTableName"`
	EpisodeTableName   pulumi.StringOutput `pulumi:"episodeTableName"`
	AlertTopicARN      pulumi.StringOutput `pulumi:"alertTopicArn"`
	RoleARN            pulumi.StringOutput `pulumi:"roleArn"`

	// Release is the managed release (live alias, CodeDeploy group, AppSpec);
	// nil unless AnomalyDetectorArgs.Release has a Strategy.
	Release *Release
}

// NewAnomalyDetector validates args, then creates the detector's resources as
// children of the component. Invalid args register nothing.
func NewAnomalyDetector(ctx *pulumi.Context, name string, args *AnomalyDetectorArgs, opts ...pulumi.ResourceOption) (*AnomalyDetector, error) {
	cfg, err := args.withDefaults(name)
	if err != nil {
		return nil, err
	}
	component := &AnomalyDetector{}
	inputs := pulumi.Map{
		"functionName":        pulumi.String(cfg.FunctionName),
		"frameKeyPrefix":      pulumi.String(cfg.FrameKeyPrefix),
		"reservedConcurrency": pulumi.Int(cfg.ReservedConcurrency),
		"logRetentionDays":    pulumi.Int(cfg.LogRetentionDays),
		"subscribers":         pulumi.Int(len(cfg.Subscribers)),
		"protect":             pulumi.Bool(cfg.Protect),
	}
	if err := ctx.RegisterComponentResourceV2(TypeToken, name, inputs, component, opts...); err != nil {
		return nil, fmt.Errorf("register anomalydetector %q: %w", name, err)
	}
	b := builder{ctx: ctx, name: name, cfg: cfg, parent: pulumi.Parent(component)}
	if err := b.build(component); err != nil {
		return nil, fmt.Errorf("anomalydetector %q: %w", name, err)
	}
	outputs := component.Release.outputs()
	maps.Copy(outputs, pulumi.Map{
		"functionArn":        component.FunctionARN,
		"functionName":       component.FunctionName,
		"queueArn":           component.QueueARN,
		"queueUrl":           component.QueueURL,
		"deadLetterQueueArn": component.DeadLetterQueueARN,
		"stateTableName":     component.StateTableName,
		"episodeTableName":   component.EpisodeTableName,
		"alertTopicArn":      component.AlertTopicARN,
		"roleArn":            component.RoleARN,
	})
	if err := ctx.RegisterResourceOutputs(component, outputs); err != nil {
		return nil, fmt.Errorf("anomalydetector %q: register outputs: %w", name, err)
	}
	return component, nil
}

// builder creates the children of one component.
type builder struct {
	ctx    *pulumi.Context
	name   string
	cfg    config
	parent pulumi.ResourceOrInvokeOption
}

// function builds the children the detector function shares with the
// other MediGuard VPC functions.
func (b builder) function() vpcfunction.Builder {
	return vpcfunction.Builder{Ctx: b.ctx, Name: b.name, FunctionName: b.cfg.FunctionName, PHIKeyARN: b.cfg.PHIKeyARN, Tags: b.cfg.tags(), Parent: b.parent}
}

// stateful are the options of children that hold data: the table and queues.
func (b builder) stateful() []pulumi.ResourceOption {
	return []pulumi.ResourceOption{b.parent, pulumi.Protect(b.cfg.Protect)}
}

// build creates the children in dependency order and sets the component's outputs.
func (b builder) build(component *AnomalyDetector) error {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	tags := cfg.tags()

	env, err := awsenv.Lookup(b.ctx, b.parent)
	if err != nil {
		return err
	}
	role, err := b.function().Role(env, "Execution role of the MediGuard detector function "+cfg.FunctionName)
	if err != nil {
		return err
	}
	logGroup, err := b.function().LogGroup(cfg.LogRetentionDays)
	if err != nil {
		return err
	}

	queue, deadLetterQueue, err := b.queues()
	if err != nil {
		return err
	}
	if err := b.cameraDocuments(); err != nil {
		return err
	}

	table, err := b.table("state", StateTableHashKey, StateTableTTLAttribute)
	if err != nil {
		return err
	}
	episodes, err := b.table("episodes", EpisodeTableHashKey, EpisodeTableTTLAttribute)
	if err != nil {
		return err
	}

	topic, err := sns.NewTopic(ctx, name+"-alerts", &sns.TopicArgs{
		KmsMasterKeyId: cfg.PHIKeyARN,
		Tags:           tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("create alert topic: %w", err)
	}

	attachment, err := b.rolePolicy(env, role, queue, deadLetterQueue, table, episodes, topic, logGroup)
	if err != nil {
		return err
	}

	if err := b.alertAccess(topic, role); err != nil {
		return err
	}

	if err := b.frameNotifications(env, queue); err != nil {
		return err
	}

	evidenceBucket := cfg.EvidenceBucketARN.ToStringOutput().ApplyT(bucketNameFromARN).(pulumi.StringOutput)
	variables := pulumi.StringMap{
		EnvFramesBucket:   cfg.FramesBucketName,
		EnvFrameKeyPrefix: pulumi.String(cfg.FrameKeyPrefix),
		EnvStateTable:     table.Name,
		EnvAlertTopicARN:  topic.Arn,
		EnvEvidenceBucket: evidenceBucket,

		EnvEpisodeTable:          episodes.Name,
		EnvEvidenceKMSKeyARN:     cfg.PHIKeyARN,
		EnvEvidenceLockMode:      pulumi.String(cfg.EvidenceLockMode),
		EnvEvidenceRetentionDays: pulumi.String(fmt.Sprint(cfg.EvidenceRetentionDays)),
		EnvCameraConfigPrefix:    pulumi.String(cfg.CameraConfigPrefix),
	}
	for k, v := range cfg.Environment {
		variables[k] = pulumi.String(v)
	}
	function, err := b.function().Function(vpcfunction.Function{
		Description:         "MediGuard anomaly detector: analyses camera frames written by Kinesis Video image generation",
		Code:                cfg.Code,
		Publish:             pulumi.Bool(cfg.Release.enabled()),
		MemorySizeMB:        cfg.MemorySizeMB,
		TimeoutSeconds:      cfg.TimeoutSeconds,
		ReservedConcurrency: cfg.ReservedConcurrency,
		EnvironmentKeyARN:   cfg.PHIKeyARN,
		Environment:         variables,
		SubnetIDs:           cfg.SubnetIDs,
		SecurityGroupIDs:    cfg.SecurityGroupIDs,
		Role:                role,
		LogGroup:            logGroup,
		DeadLetterQueue:     deadLetterQueue,
		Permissions:         attachment,
	})
	if err != nil {
		return err
	}

	alias, target, err := b.liveAlias(function)
	if err != nil {
		return err
	}

	if err := b.eventSourceMapping(queue, target, attachment); err != nil {
		return err
	}

	if err := b.offlineCheck(env, target); err != nil {
		return err
	}

	alarms, err := b.alarms(function, queue, deadLetterQueue)
	if err != nil {
		return err
	}

	if component.Release, err = b.release(env, function, alias, alarms["errors"]); err != nil {
		return err
	}

	component.FunctionARN = function.Arn
	component.FunctionName = function.Name
	component.QueueARN = queue.Arn
	component.QueueURL = queue.Url
	component.DeadLetterQueueARN = deadLetterQueue.Arn
	component.StateTableName = table.Name
	component.EpisodeTableName = episodes.Name
	component.AlertTopicARN = topic.Arn
	component.RoleARN = role.Arn
	return nil
}

// table creates a KMS-encrypted, point-in-time-recoverable table keyed by a
// string hash key, whose items expire at ttlAttribute.
func (b builder) table(suffix, hashKey, ttlAttribute string) (*dynamodb.Table, error) {
	table, err := dynamodb.NewTable(b.ctx, b.name+"-"+suffix, &dynamodb.TableArgs{
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String(hashKey),
		Attributes: dynamodb.TableAttributeArray{
			dynamodb.TableAttributeArgs{Name: pulumi.String(hashKey), Type: pulumi.String("S")},
		},
		ServerSideEncryption:      dynamodb.TableServerSideEncryptionArgs{Enabled: pulumi.Bool(true), KmsKeyArn: b.cfg.PHIKeyARN},
		PointInTimeRecovery:       dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		Ttl:                       dynamodb.TableTtlArgs{AttributeName: pulumi.String(ttlAttribute), Enabled: pulumi.Bool(true)},
		DeletionProtectionEnabled: pulumi.Bool(b.cfg.Protect),
		Tags:                      b.cfg.tags(),
	}, b.stateful()...)
	if err != nil {
		return nil, fmt.Errorf("create %s table: %w", suffix, err)
	}
	return table, nil
}

// offlineCheck invokes the function on the offline-check schedule with
// EventBridge's scheduled event, which the handler tells apart from SQS
// batches. Only this rule, in this account, may invoke it that way.
func (b builder) offlineCheck(env environment, function invocationTarget) error {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	rule, err := cloudwatch.NewEventRule(ctx, name+"-offline-check", &cloudwatch.EventRuleArgs{
		Description:        pulumi.String("Runs the MediGuard camera offline check of " + cfg.FunctionName),
		ScheduleExpression: pulumi.String(cfg.OfflineCheckSchedule),
		Tags:               cfg.tags(),
	}, parent)
	if err != nil {
		return fmt.Errorf("create offline check rule: %w", err)
	}
	permission, err := lambda.NewPermission(ctx, name+"-offline-check", &lambda.PermissionArgs{
		Action:        pulumi.String("lambda:InvokeFunction"),
		Function:      function.FunctionName,
		Qualifier:     function.Qualifier,
		Principal:     pulumi.String("events.amazonaws.com"),
		SourceArn:     rule.Arn,
		SourceAccount: pulumi.String(env.AccountID),
	}, parent)
	if err != nil {
		return fmt.Errorf("create offline check invoke permission: %w", err)
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-offline-check", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  function.ARN,
	}, parent, pulumi.DependsOn([]pulumi.Resource{permission})); err != nil {
		return fmt.Errorf("create offline check target: %w", err)
	}
	return nil
}

// queues creates the frame queue and its dead-letter queue, both encrypted
// with the PHI key, and lets only the frame queue redrive to the dead-letter queue.
func (b builder) queues() (queue, deadLetterQueue *sqs.Queue, err error) {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	tags := cfg.tags()
	// Protected like the other stateful children (see stateful).
	deadLetterQueue, err = b.function().DeadLetterQueue(pulumi.Protect(cfg.Protect))
	if err != nil {
		return nil, nil, err
	}
	queue, err = sqs.NewQueue(ctx, name+"-frames", &sqs.QueueArgs{
		KmsMasterKeyId:           cfg.PHIKeyARN,
		VisibilityTimeoutSeconds: pulumi.Int(cfg.visibilityTimeoutSeconds()),
		MessageRetentionSeconds:  pulumi.Int(queueRetentionSeconds),
		ReceiveWaitTimeSeconds:   pulumi.Int(20),
		RedrivePolicy: deadLetterQueue.Arn.ApplyT(func(arn string) string {
			return redrivePolicy(arn, cfg.MaxReceiveCount)
		}).(pulumi.StringOutput),
		Tags: tags,
	}, b.stateful()...)
	if err != nil {
		return nil, nil, fmt.Errorf("create frame queue: %w", err)
	}
	if _, err := sqs.NewRedriveAllowPolicy(ctx, name+"-dlq-redrive-allow", &sqs.RedriveAllowPolicyArgs{
		QueueUrl:           deadLetterQueue.Url,
		RedriveAllowPolicy: queue.Arn.ApplyT(redriveAllowPolicy).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("create dead-letter queue redrive allow policy: %w", err)
	}
	return queue, deadLetterQueue, nil
}

// alertAccess sets the alert topic's policy and subscribes the Subscribers.
func (b builder) alertAccess(topic *sns.Topic, role *iam.Role) error {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	if _, err := sns.NewTopicPolicy(ctx, name+"-alerts-policy", &sns.TopicPolicyArgs{
		Arn: topic.Arn,
		Policy: pulumi.All(topic.Arn, role.Arn).ApplyT(func(v []any) (string, error) {
			return topicPolicy(v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, parent); err != nil {
		return fmt.Errorf("create alert topic policy: %w", err)
	}
	for i, s := range cfg.Subscribers {
		if _, err := sns.NewTopicSubscription(ctx, fmt.Sprintf("%s-alerts-sub-%d", name, i), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String(s.Protocol),
			Endpoint: s.Endpoint,
		}, parent); err != nil {
			return fmt.Errorf("create alert subscription %d (%s): %w", i, s.Protocol, err)
		}
	}
	return nil
}

// eventSourceMapping feeds the frame queue to the function, reporting
// per-message failures so one bad frame does not retry its whole batch.
func (b builder) eventSourceMapping(queue *sqs.Queue, function invocationTarget, attachment *iam.RolePolicyAttachment) error {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	tags := cfg.tags()
	mapping := &lambda.EventSourceMappingArgs{
		EventSourceArn:        queue.Arn,
		FunctionName:          function.ARN,
		BatchSize:             pulumi.Int(cfg.BatchSize),
		FunctionResponseTypes: pulumi.StringArray{pulumi.String("ReportBatchItemFailures")},
		Enabled:               pulumi.Bool(true),
		Tags:                  tags,
	}
	if cfg.ReservedConcurrency >= 2 {
		// Keep the pollers within the reserved concurrency (SQS allows 2..1000),
		// so a busy queue waits in the queue instead of being throttled.
		mapping.ScalingConfig = lambda.EventSourceMappingScalingConfigArgs{MaximumConcurrency: pulumi.Int(cfg.ReservedConcurrency)}
	}
	if _, err := lambda.NewEventSourceMapping(ctx, name+"-frames-mapping", mapping,
		parent, pulumi.DependsOn([]pulumi.Resource{attachment})); err != nil {
		return fmt.Errorf("create event source mapping: %w", err)
	}
	return nil
}

// rolePolicy creates the execution role's managed policy (the policy pack
// refuses inline policies) and attaches it.
func (b builder) rolePolicy(env environment, role *iam.Role, queue, deadLetterQueue *sqs.Queue, table, episodes *dynamodb.Table, topic *sns.Topic, logGroup *cloudwatch.LogGroup) (*iam.RolePolicyAttachment, error) {
	cfg := b.cfg
	inputs := []any{
		queue.Arn, deadLetterQueue.Arn, cfg.FramesBucketARN, cfg.EvidenceBucketARN,
		table.Arn, topic.Arn, cfg.PHIKeyARN, logGroup.Arn, cfg.SubnetIDs, episodes.Arn,
	}
	if cfg.ExtraStatements != nil {
		inputs = append(inputs, cfg.ExtraStatements)
	}
	document := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		arns := roleARNs{
			QueueARN:           v[0].(string),
			DeadLetterQueueARN: v[1].(string),
			FramesBucketARN:    v[2].(string),
			FrameKeyPrefix:     cfg.FrameKeyPrefix,
			EvidenceBucketARN:  v[3].(string),
			TableARN:           v[4].(string),
			TopicARN:           v[5].(string),
			PHIKeyARN:          v[6].(string),
			LogGroupARN:        v[7].(string),
			SubnetIDs:          v[8].([]string),
			EpisodeTableARN:    v[9].(string),
			CameraConfigPrefix: cfg.CameraConfigPrefix,
		}
		var extra []policydoc.Statement
		if len(v) > 10 {
			statements, ok := v[10].([]policydoc.Statement)
			if !ok {
				return "", fmt.Errorf("ExtraStatements resolved to %T, want []policydoc.Statement", v[10])
			}
			extra = statements
		}
		return executionPolicy(env, arns, extra).JSON()
	}).(pulumi.StringOutput)

	return b.function().ExecutionPolicy(role, "Least-privilege permissions of the MediGuard detector function "+cfg.FunctionName, document)
}

// frameNotifications lets S3 send to the queue and configures the frames
// bucket to notify it of new frames. The notification waits for the queue
// policy: S3 checks that it may send when the configuration is saved.
func (b builder) frameNotifications(env environment, queue *sqs.Queue) error {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	policy, err := sqs.NewQueuePolicy(ctx, name+"-frames-policy", &sqs.QueuePolicyArgs{
		QueueUrl: queue.Url,
		Policy: pulumi.All(queue.Arn, cfg.FramesBucketARN).ApplyT(func(v []any) (string, error) {
			return queuePolicy(env, v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return fmt.Errorf("create frame queue policy: %w", err)
	}
	_, err = s3.NewBucketNotification(ctx, name+"-frames-notification", &s3.BucketNotificationArgs{
		Bucket: cfg.FramesBucketName,
		Queues: s3.BucketNotificationQueueArray{
			s3.BucketNotificationQueueArgs{
				Id:           pulumi.String(name + "-frames"),
				QueueArn:     queue.Arn,
				Events:       pulumi.StringArray{pulumi.String("s3:ObjectCreated:*")},
				FilterPrefix: pulumi.String(cfg.FrameKeyPrefix),
				FilterSuffix: pulumi.String(FrameSuffix),
			},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy}))
	if err != nil {
		return fmt.Errorf("create frames bucket notification: %w", err)
	}
	return nil
}

// alarms creates the operational alarms, keyed by suffix; every transition
// goes to the operations topic.
func (b builder) alarms(function *lambda.Function, queue, deadLetterQueue *sqs.Queue) (map[string]*cloudwatch.MetricAlarm, error) {
	ctx, cfg, name, parent := b.ctx, b.cfg, b.name, b.parent
	actions := pulumi.Array{cfg.AlarmTopicARN}
	created := map[string]*cloudwatch.MetricAlarm{}
	for _, spec := range alarmSpecs(cfg.QueueAgeAlarmSeconds) {
		dimensions := pulumi.StringMap{}
		switch spec.Target {
		case targetFunction:
			dimensions["FunctionName"] = function.Name
		case targetQueue:
			dimensions["QueueName"] = queue.Name
		case targetDeadLetterQueue:
			dimensions["QueueName"] = deadLetterQueue.Name
		}
		alarm, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+spec.Suffix, &cloudwatch.MetricAlarmArgs{
			AlarmDescription:        pulumi.String(spec.Description),
			Namespace:               pulumi.String(spec.Namespace),
			MetricName:              pulumi.String(spec.Metric),
			Dimensions:              dimensions,
			Statistic:               pulumi.String(spec.Statistic),
			Period:                  pulumi.Int(alarmPeriodSeconds),
			EvaluationPeriods:       pulumi.Int(alarmEvaluationPeriods),
			ComparisonOperator:      pulumi.String(alarmComparison),
			Threshold:               pulumi.Float64(spec.Threshold),
			TreatMissingData:        pulumi.String(alarmMissingData),
			ActionsEnabled:          pulumi.Bool(true),
			AlarmActions:            actions,
			OkActions:               actions,
			InsufficientDataActions: actions,
			Tags:                    cfg.tags(),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create alarm %s: %w", spec.Suffix, err)
		}
		created[spec.Suffix] = alarm
	}
	return created, nil
}
