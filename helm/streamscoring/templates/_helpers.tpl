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
Environment: one variable per configuration key (section separator ":" becomes "__").
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
  value: {{ .Values.inference.intraOpThreads | int | quote }}
- name: Inference__InterOpThreads
  value: {{ .Values.inference.interOpThreads | int | quote }}
- name: Inference__ModelPath
  value: {{ .Values.inference.modelPath | quote }}
- name: Inference__ReloadPollInterval
  value: {{ .Values.inference.reloadPollInterval | quote }}
- name: Scoring__DebounceInterval
  value: {{ .Values.scoring.debounceInterval | quote }}
- name: Scoring__MaxBatchSize
  value: {{ .Values.scoring.maxBatchSize | int | quote }}
- name: Scoring__MaxBatchDelay
  value: {{ .Values.scoring.maxBatchDelay | quote }}
{{- range $head, $name := dict "fraud" "Fraud" "churn" "Churn" "conversion" "Conversion" }}
{{- $alert := index $.Values.scoring.alerts $head }}
{{- with $alert.threshold }}
- name: {{ printf "Scoring__Alerts__%s__Threshold" $name | quote }}
  value: {{ . | toString | quote }}
{{- end }}
- name: {{ printf "Scoring__Alerts__%s__Cooldown" $name | quote }}
  value: {{ $alert.cooldown | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}
