{{/* Names: the release's base name, capped to what Kubernetes accepts in a label value. */}}
{{- define "streamsim.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "streamsim.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one scenario's objects: "<fullname>-<scenario>" (StatefulSet pods add "-<ordinal>"). */}}
{{- define "streamsim.scenarioName" -}}
{{- printf "%s-%s" (include "streamsim.fullname" .root) .scenario | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "streamsim.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streamsim.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "streamsim.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "streamsim.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: streamsim
{{- end -}}

{{/* Labels of one scenario's producers (dict root, scenario). */}}
{{- define "streamsim.producerSelectorLabels" -}}
{{ include "streamsim.selectorLabels" .root }}
app.kubernetes.io/component: producer
streamsim.io/scenario: {{ .scenario }}
{{- end -}}

{{- define "streamsim.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "streamsim.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "streamsim.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Bitnami Kafka chart's service name in this release (its fullname rule). */}}
{{- define "streamsim.kafkaFullname" -}}
{{- if .Values.kafka.fullnameOverride -}}
{{- .Values.kafka.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default "kafka" .Values.kafka.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "streamsim.bootstrapServers" -}}
{{- if .Values.kafkaClient.bootstrapServers -}}
{{- tpl .Values.kafkaClient.bootstrapServers . -}}
{{- else if .Values.kafka.enabled -}}
{{- printf "%s:%v" (include "streamsim.kafkaFullname" .) (dig "service" "ports" "client" 9092 .Values.kafka) -}}
{{- else -}}
{{- fail "kafkaClient.bootstrapServers is required when kafka.enabled is false (or set sink: stdout)" -}}
{{- end -}}
{{- end -}}

{{- define "streamsim.sasl" -}}
{{- hasPrefix "SASL_" .Values.kafkaClient.securityProtocol -}}
{{- end -}}

{{/* Name of the Secret holding the SASL password ("" when SASL is off). */}}
{{- define "streamsim.saslSecretName" -}}
{{- if and (eq .Values.sink "kafka") (eq (include "streamsim.sasl" .) "true") -}}
{{- if .Values.kafkaClient.sasl.existingSecret -}}
{{- tpl .Values.kafkaClient.sasl.existingSecret . -}}
{{- else -}}
{{- printf "%s-sasl" (include "streamsim.fullname" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "streamsim.saslPasswordFile" -}}
/etc/streamsim/secrets/sasl-password
{{- end -}}

{{/*
The config file: chart-computed settings, then the shared `options` over them, then one section
per scenario with its `options` (streamsim applies a scenario's section over the top level).
*/}}
{{- define "streamsim.config" -}}
{{- $config := dict "sink" .Values.sink "metrics_port" .Values.metrics.port "metrics_host" "0.0.0.0" -}}
{{- if eq .Values.sink "kafka" -}}
{{- $_ := set $config "bootstrap_servers" (include "streamsim.bootstrapServers" .) -}}
{{- $_ := set $config "security_protocol" .Values.kafkaClient.securityProtocol -}}
{{- $_ := set $config "partitions" .Values.kafkaClient.partitions -}}
{{- $_ := set $config "replication_factor" .Values.kafkaClient.replicationFactor -}}
{{- if .Values.kafkaClient.config -}}
{{- $_ := set $config "kafka_config" .Values.kafkaClient.config -}}
{{- end -}}
{{- if eq (include "streamsim.sasl" .) "true" -}}
{{- $sasl := .Values.kafkaClient.sasl -}}
{{- if not $sasl.username -}}
{{- fail (printf "kafkaClient.sasl.username is required with securityProtocol %s" .Values.kafkaClient.securityProtocol) -}}
{{- end -}}
{{- if not (or $sasl.password $sasl.existingSecret) -}}
{{- fail "kafkaClient.sasl.password or kafkaClient.sasl.existingSecret is required with a SASL securityProtocol" -}}
{{- end -}}
{{- $_ := set $config "sasl_mechanism" $sasl.mechanism -}}
{{- $_ := set $config "sasl_username" $sasl.username -}}
{{- $_ := set $config "sasl_password_file" (include "streamsim.saslPasswordFile" .) -}}
{{- end -}}
{{- end -}}
{{- $config = mergeOverwrite $config (deepCopy .Values.options) -}}
{{- range $name, $scenario := .Values.scenarios -}}
{{- if $scenario.enabled -}}
{{- $_ := set $config $name (default (dict) $scenario.options) -}}
{{- end -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}
