{{/*
Chart name, truncated to the 63 characters Kubernetes allows in a name.
*/}}
{{- define "streamscoring.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: release-chart, or the release name alone when it already contains the chart name.
*/}}
{{- define "streamscoring.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "streamscoring.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "streamscoring.labels" -}}
helm.sh/chart: {{ include "streamscoring.chart" . }}
{{ include "streamscoring.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "streamscoring.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streamscoring.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "streamscoring.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "streamscoring.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference; GPU pods run the CUDA image, tagged with gpu.imageTagSuffix.
*/}}
{{- define "streamscoring.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion | toString }}
{{- if .Values.gpu.enabled }}
{{- $tag = printf "%s%s" $tag .Values.gpu.imageTagSuffix }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}

{{/*
Environment: one variable per configuration key (section separator ":" becomes "__"). Scoring:* is not here:
it comes from the reloadable ConfigMap (see reloadable-configmap.yaml).
Order matters for REDIS_PASSWORD: Kubernetes expands $(REDIS_PASSWORD) only from variables
defined earlier in the list.
*/}}
{{- define "streamscoring.env" -}}
{{- range $property, $value := .Values.kafka.common }}
- name: {{ printf "Kafka__Common__%s" $property | quote }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- range $property, $ref := .Values.kafka.secretProperties }}
- name: {{ printf "Kafka__Common__%s" $property | quote }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name | quote }}
      key: {{ $ref.key | quote }}
{{- end }}
{{- range $property, $value := .Values.kafka.consumer }}
- name: {{ printf "Kafka__Consumer__%s" $property | quote }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- range $property, $value := .Values.kafka.producer }}
- name: {{ printf "Kafka__Producer__%s" $property | quote }}
  value: {{ $value | toString | quote }}
{{- end }}
- name: Kafka__ConsumerLoop__Workers
  value: {{ .Values.kafka.consumerLoop.workers | int | quote }}
- name: Kafka__ConsumerLoop__GroupId
  value: {{ .Values.kafka.consumerLoop.groupId | quote }}
{{- if .Values.kafka.consumerLoop.staticMembership }}
- name: Kafka__ConsumerLoop__InstanceId
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end }}
- name: Shutdown__Timeout
  value: {{ printf "00:%02d:%02d" (div (int .Values.shutdownTimeoutSeconds) 60) (mod (int .Values.shutdownTimeoutSeconds) 60) | quote }}
- name: Kafka__Topics__Input
  value: {{ .Values.kafka.topics.input | quote }}
- name: Kafka__Topics__Scores
  value: {{ .Values.kafka.topics.scores | quote }}
- name: Kafka__Topics__FraudAlerts
  value: {{ .Values.kafka.topics.fraudAlerts | quote }}
- name: Kafka__Topics__ChurnAlerts
  value: {{ .Values.kafka.topics.churnAlerts | quote }}
- name: Kafka__Topics__ConversionAlerts
  value: {{ .Values.kafka.topics.conversionAlerts | quote }}
- name: Kafka__Topics__DeadLetter
  value: {{ .Values.kafka.topics.deadLetter | quote }}
- name: Kafka__Topics__CampaignStats
  value: {{ .Values.kafka.topics.campaignStats | quote }}
- name: Campaigns__Enabled
  value: {{ .Values.campaigns.enabled | quote }}
- name: Campaigns__PublishInterval
  value: {{ .Values.campaigns.publishInterval | quote }}
- name: Campaigns__TopCampaigns
  value: {{ .Values.campaigns.topCampaigns | quote }}
- name: FeatureStore__Kind
  value: {{ .Values.featureStore.kind | quote }}
{{- if .Values.redis.existingSecret }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret | quote }}
      key: {{ .Values.redis.existingSecretPasswordKey | quote }}
- name: Redis__ConnectionString
  value: {{ printf "%s,password=$(REDIS_PASSWORD)" .Values.redis.connectionString | quote }}
{{- else }}
- name: Redis__ConnectionString
  value: {{ .Values.redis.connectionString | quote }}
{{- end }}
- name: Redis__KeyPrefix
  value: {{ .Values.redis.keyPrefix | quote }}
{{- with .Values.inference.device }}
- name: Inference__Device
  value: {{ . | quote }}
{{- end }}
- name: Inference__CudaDeviceId
  value: {{ .Values.inference.cudaDeviceId | int | quote }}
- name: Inference__IntraOpThreads
{{- if gt (int .Values.inference.intraOpThreads) 0 }}
  value: {{ .Values.inference.intraOpThreads | int | quote }}
{{- else }}
  # The container's CPUs, not the node's: ONNX Runtime would size its pool to every core it sees.
  valueFrom:
    resourceFieldRef:
      containerName: {{ .Chart.Name }}
      resource: {{ ternary "limits.cpu" "requests.cpu" (not (empty (dig "limits" "cpu" "" .Values.resources))) }}
      divisor: "1"
{{- end }}
- name: Inference__InterOpThreads
  value: {{ .Values.inference.interOpThreads | int | quote }}
- name: Inference__ModelPath
  value: {{ include "streamscoring.modelPath" . | quote }}
- name: Inference__ReloadPollInterval
  value: {{ .Values.inference.reloadPollInterval | quote }}
- name: Redis__MaxCachedUsers
  value: {{ include "streamscoring.maxCachedUsers" . | quote }}
- name: Redis__CacheIdleTimeout
  value: {{ .Values.featureStore.cache.idleTimeout | quote }}
# Scoring:* comes from the reloadable ConfigMap, mounted as a directory: an environment variable would win
# over it and pin the value until the next rollout.
- name: Config__Directory
  value: {{ include "streamscoring.reloadableDir" . | quote }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Directory of the reloadable ConfigMap in the container (Config:Directory).
*/}}
{{- define "streamscoring.reloadableDir" -}}
/etc/streamscoring/reloadable
{{- end }}

{{/*
Inference:ModelPath: the model volume's file when one is mounted, else the image's.
*/}}
{{- define "streamscoring.modelPath" -}}
{{- if .Values.model.volume -}}
{{- printf "%s/%s" (trimSuffix "/" .Values.model.mountPath) .Values.model.fileName -}}
{{- else -}}
{{- .Values.inference.modelPath -}}
{{- end -}}
{{- end }}

{{/*
Bytes of a Kubernetes memory quantity ("2Gi", "768Mi", "500M", "1073741824"). Write quantities as strings.
*/}}
{{- define "streamscoring.bytes" -}}
{{- $q := toString . -}}
{{- $units := dict "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 -}}
{{- $num := regexFind `^[0-9]+(\.[0-9]+)?` $q -}}
{{- if not $num -}}
{{- fail (printf "memory quantity %q: expected a number with an optional Ki/Mi/Gi/Ti/k/M/G/T suffix" $q) -}}
{{- end -}}
{{- $unit := trimPrefix $num $q -}}
{{- $multiplier := 1 -}}
{{- if $unit -}}
{{- if not (hasKey $units $unit) -}}
{{- fail (printf "memory quantity %q: unsupported suffix %q" $q $unit) -}}
{{- end -}}
{{- $multiplier = get $units $unit -}}
{{- end -}}
{{- mulf (float64 $num) $multiplier | floor | int64 -}}
{{- end }}

{{/*
Redis:MaxCachedUsers. featureStore.cache.maxUsers when set (refused when those users do not fit the memory
limit), else (limit - reservedMemory) / bytesPerUser.
*/}}
{{- define "streamscoring.maxCachedUsers" -}}
{{- $cache := .Values.featureStore.cache -}}
{{- $maxUsers := int64 $cache.maxUsers -}}
{{- $perUser := int64 $cache.bytesPerUser -}}
{{- $limit := dig "limits" "memory" "" .Values.resources -}}
{{- if $limit -}}
{{- $reserved := include "streamscoring.bytes" $cache.reservedMemory | int64 -}}
{{- $budget := sub (include "streamscoring.bytes" $limit | int64) $reserved -}}
{{- $fit := div $budget $perUser -}}
{{- if lt $fit 1 -}}
{{- fail (printf "resources.limits.memory %s leaves no room for the user cache after featureStore.cache.reservedMemory %s: raise the limit" (toString $limit) (toString $cache.reservedMemory)) -}}
{{- end -}}
{{- if gt $maxUsers 0 -}}
{{- if gt $maxUsers $fit -}}
{{- fail (printf "featureStore.cache.maxUsers %d x bytesPerUser %d does not fit resources.limits.memory %s minus reservedMemory %s (at most %d users): lower maxUsers, raise the limit, or set maxUsers 0 to derive it" $maxUsers $perUser (toString $limit) (toString $cache.reservedMemory) $fit) -}}
{{- end -}}
{{- $maxUsers -}}
{{- else -}}
{{- $fit -}}
{{- end -}}
{{- else if gt $maxUsers 0 -}}
{{- $maxUsers -}}
{{- else -}}
{{- fail "featureStore.cache.maxUsers 0 derives the cache size from resources.limits.memory: set a memory limit or maxUsers" -}}
{{- end -}}
{{- end }}

{{/*
Deployment strategy: .Values.strategy verbatim, else maxSurge 0 / maxUnavailable 1 on GPUs (a surge pod needs
a GPU the replicas already hold), maxSurge 1 / maxUnavailable 0 otherwise.
*/}}
{{- define "streamscoring.strategy" -}}
{{- if .Values.strategy -}}
{{- toYaml .Values.strategy -}}
{{- else if .Values.gpu.enabled -}}
type: RollingUpdate
rollingUpdate:
  maxSurge: 0
  maxUnavailable: 1
{{- else -}}
type: RollingUpdate
rollingUpdate:
  maxSurge: 1
  maxUnavailable: 0
{{- end -}}
{{- end }}

{{/*
Pods a rollout adds on top of the replicas (maxSurge as a number; a percentage of replicaCount, rounded up).
*/}}
{{- define "streamscoring.surge" -}}
{{- $strategy := include "streamscoring.strategy" . | fromYaml -}}
{{- $surge := 0 -}}
{{- if eq (get $strategy "type" | default "RollingUpdate" | toString) "RollingUpdate" -}}
{{- $value := dig "rollingUpdate" "maxSurge" "25%" $strategy | toString -}}
{{- if hasSuffix "%" $value -}}
{{- $surge = div (add (mul (trimSuffix "%" $value | int) (int .Values.replicaCount)) 99) 100 -}}
{{- else -}}
{{- $surge = int $value -}}
{{- end -}}
{{- end -}}
{{- $surge -}}
{{- end }}

{{/*
Most pods an autoscaler may run: every consumer loop of every pod (plus the rollout surge) must get a
partition, or the surplus pods are never ready. autoscaling.maxReplicas, or derived when 0.
*/}}
{{- define "streamscoring.maxReplicas" -}}
{{- $partitions := int .Values.kafka.inputPartitions -}}
{{- $workers := int .Values.kafka.consumerLoop.workers -}}
{{- $surge := include "streamscoring.surge" . | int -}}
{{- $max := int .Values.autoscaling.maxReplicas -}}
{{- if gt $partitions 0 -}}
{{- $fit := sub (div $partitions $workers) $surge -}}
{{- if lt $fit 1 -}}
{{- fail (printf "kafka.inputPartitions %d / kafka.consumerLoop.workers %d leaves no pod besides the rollout surge %d: add partitions or lower workers" $partitions $workers $surge) -}}
{{- end -}}
{{- if eq $max 0 -}}
{{- $max = $fit -}}
{{- else if gt $max $fit -}}
{{- fail (printf "autoscaling.maxReplicas %d: (pods + rollout surge %d) x kafka.consumerLoop.workers %d exceeds kafka.inputPartitions %d; at most %d pods get partitions (0 derives it)" $max $surge $workers $partitions $fit) -}}
{{- end -}}
{{- else if eq $max 0 -}}
{{- fail "autoscaling.maxReplicas 0 is derived from kafka.inputPartitions: set one of them" -}}
{{- end -}}
{{- if lt (int $max) (int .Values.autoscaling.minReplicas) -}}
{{- fail (printf "autoscaling.minReplicas %d exceeds the most pods, %d" (int .Values.autoscaling.minReplicas) (int $max)) -}}
{{- end -}}
{{- $max -}}
{{- end }}
