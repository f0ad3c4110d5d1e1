//! The custom resource kinds whose controllers make pods in the resource's own namespace, with
//! labels no manifest shows (an Argo Rollout's pods, a Prometheus StatefulSet, a Spark driver).
//! K8S030 and K8S036 cannot judge a Service there, since the pods it selects may be those. A
//! custom resource that makes no pods (an Istio VirtualService, a cert-manager Certificate, a
//! KEDA ScaledObject, which scales a workload that is among the inputs) does not count.
//! `pod-creating-kinds:` in `.k2e.yaml` adds kinds, as `Kind` (any group) or `Kind.group`.

/// API group, and the kinds of it that make pods.
const KNOWN: &[(&str, &[&str])] = &[
    // Argo Rollouts, Argo Workflows, Argo Events.
    (
        "argoproj.io",
        &["Rollout", "Workflow", "CronWorkflow", "Sensor", "EventSource"],
    ),
    // KEDA: a ScaledJob makes Jobs (a ScaledObject only scales an existing workload).
    ("keda.sh", &["ScaledJob"]),
    // Knative Serving.
    ("serving.knative.dev", &["Service", "Configuration", "Revision"]),
    // Flagger: the canary's primary Deployment.
    ("flagger.app", &["Canary"]),
    // Kubeflow training jobs (v1 operator, and Trainer v2), notebooks, Katib.
    (
        "kubeflow.org",
        &[
            "TFJob",
            "PyTorchJob",
            "MPIJob",
            "XGBoostJob",
            "PaddleJob",
            "JAXJob",
            "Notebook",
            "Experiment",
        ],
    ),
    ("trainer.kubeflow.org", &["TrainJob"]),
    ("serving.kserve.io", &["InferenceService"]),
    ("machinelearning.seldon.io", &["SeldonDeployment"]),
    // KubeRay.
    ("ray.io", &["RayCluster", "RayJob", "RayService"]),
    // Spark operator (its group ends in .k8s.io, but it is no Kubernetes API).
    (
        "sparkoperator.k8s.io",
        &["SparkApplication", "ScheduledSparkApplication"],
    ),
    ("flink.apache.org", &["FlinkDeployment", "FlinkSessionJob"]),
    // Tekton.
    ("tekton.dev", &["TaskRun", "PipelineRun"]),
    ("triggers.tekton.dev", &["EventListener"]),
    // OpenKruise workloads.
    (
        "apps.kruise.io",
        &[
            "CloneSet",
            "StatefulSet",
            "DaemonSet",
            "BroadcastJob",
            "AdvancedCronJob",
            "UnitedDeployment",
        ],
    ),
    // Batch schedulers' jobs.
    ("batch.volcano.sh", &["Job"]),
    ("jobset.x-k8s.io", &["JobSet"]),
    ("leaderworkerset.x-k8s.io", &["LeaderWorkerSet"]),
    // Strimzi.
    (
        "kafka.strimzi.io",
        &[
            "Kafka",
            "KafkaNodePool",
            "KafkaConnect",
            "KafkaMirrorMaker",
            "KafkaMirrorMaker2",
            "KafkaBridge",
        ],
    ),
    // Elastic Cloud on Kubernetes.
    ("elasticsearch.k8s.elastic.co", &["Elasticsearch"]),
    ("kibana.k8s.elastic.co", &["Kibana"]),
    ("apm.k8s.elastic.co", &["ApmServer"]),
    ("enterprisesearch.k8s.elastic.co", &["EnterpriseSearch"]),
    ("beat.k8s.elastic.co", &["Beat"]),
    ("agent.k8s.elastic.co", &["Agent"]),
    ("maps.k8s.elastic.co", &["ElasticMapsServer"]),
    ("logstash.k8s.elastic.co", &["Logstash"]),
    // Prometheus operator, Grafana operator, OpenTelemetry operator, Jaeger.
    (
        "monitoring.coreos.com",
        &["Prometheus", "PrometheusAgent", "Alertmanager", "ThanosRuler"],
    ),
    ("grafana.integreatly.org", &["Grafana"]),
    ("opentelemetry.io", &["OpenTelemetryCollector"]),
    ("jaegertracing.io", &["Jaeger"]),
    // Database and queue operators.
    ("postgresql.cnpg.io", &["Cluster", "Pooler"]),
    ("acid.zalan.do", &["postgresql"]),
    ("postgres-operator.crunchydata.com", &["PostgresCluster"]),
    ("mongodbcommunity.mongodb.com", &["MongoDBCommunity"]),
    ("psmdb.percona.com", &["PerconaServerMongoDB"]),
    ("pxc.percona.com", &["PerconaXtraDBCluster"]),
    ("rabbitmq.com", &["RabbitmqCluster"]),
    ("databases.spotahome.com", &["RedisFailover"]),
    (
        "redis.redis.opstreelabs.in",
        &["Redis", "RedisCluster", "RedisReplication", "RedisSentinel"],
    ),
    ("minio.min.io", &["Tenant"]),
    ("camel.apache.org", &["Integration"]),
    ("k8s.keycloak.org", &["Keycloak"]),
    // Charts installed by a controller into the namespace (Flux, k3s/RKE2 helm-controller).
    ("helm.toolkit.fluxcd.io", &["HelmRelease"]),
    ("helm.cattle.io", &["HelmChart"]),
];

/// Whether an object of this group and kind makes pods, by the list above or by one of the
/// configured `extra` kinds (`Kind`, or `Kind.group`).
pub fn makes_pods(group: &str, kind: &str, extra: &[String]) -> bool {
    let known = KNOWN.iter().any(|(g, kinds)| *g == group && kinds.contains(&kind));
    known
        || extra.iter().any(|entry| match entry.split_once('.') {
            Some((k, g)) => k == kind && g == group,
            None => entry == kind,
        })
}

#[cfg(test)]
mod tests {
    use super::makes_pods;

    #[test]
    fn known_kinds_by_group() {
        assert!(makes_pods("argoproj.io", "Rollout", &[]));
        assert!(makes_pods("sparkoperator.k8s.io", "SparkApplication", &[]));
        assert!(makes_pods("monitoring.coreos.com", "Prometheus", &[]));
        assert!(!makes_pods("networking.istio.io", "VirtualService", &[]));
        assert!(!makes_pods("cert-manager.io", "Certificate", &[]));
        assert!(!makes_pods("keda.sh", "ScaledObject", &[]));
        // A kind of the list under another group is another kind.
        assert!(!makes_pods("example.com", "Rollout", &[]));
    }

    #[test]
    fn configured_kinds_with_or_without_their_group() {
        let extra = ["Widget".to_owned(), "Gadget.example.com".to_owned()];
        assert!(makes_pods("any.example.org", "Widget", &extra));
        assert!(makes_pods("example.com", "Gadget", &extra));
        assert!(!makes_pods("other.example.com", "Gadget", &extra));
    }
}
