//! Checks across the documents of a run (K8S030, a Service that selects no pod; K8S036, a
//! Service targetPort name that its pods lack): each file
//! contributes facts while its documents are checked, and the pass runs once every file is read.

use super::service_selectors::{self, Candidate, Verdict, Workload};
use crate::finding::Finding;

/// What the files of a run contributed to the checks across documents.
#[derive(Debug, Default)]
pub struct Run {
    pub workloads: Vec<Workload>,
    pub services: Vec<Candidate>,
}

impl Run {
    pub fn is_empty(&self) -> bool {
        self.workloads.is_empty() && self.services.is_empty()
    }

    pub fn extend(&mut self, other: Run) {
        self.workloads.extend(other.workloads);
        self.services.extend(other.services);
    }
}

/// One file's findings, as the pass sees them.
pub struct FileFindings<'a> {
    pub file: &'a str,
    pub findings: &'a mut Vec<Finding>,
    pub suppressed: &'a mut Vec<Finding>,
}

/// Settles the findings that depend on the whole run, in the files that hold them.
/// `pod_creating_kinds`: the custom resource kinds `.k2e.yaml` adds to those known to make pods.
pub fn check<'a>(run: &Run, pod_creating_kinds: &[String], files: impl IntoIterator<Item = FileFindings<'a>>) {
    let mut files: Vec<FileFindings<'a>> = files.into_iter().collect();
    for verdict in service_selectors::resolve(&run.workloads, &run.services, pod_creating_kinds) {
        apply(&verdict, &mut files);
    }
}

/// The verdict applies to the first file of its name, as a run names each file once.
fn apply(verdict: &Verdict, files: &mut [FileFindings<'_>]) {
    if let Some(file) = files.iter_mut().find(|f| f.file == verdict.file) {
        verdict.apply(file.findings, file.suppressed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Detected, detect};
    use crate::parse::{Limits, yaml_text};

    /// The facts and findings of one YAML text, as lint gathers them.
    fn gather(file: &str, text: &str, run: &mut Run, findings: &mut Vec<Finding>) {
        for doc in yaml_text(text, &Limits::default()) {
            let Some(Detected::Kubernetes(objects)) = doc.root.as_ref().map(detect) else {
                continue;
            };
            for obj in &objects {
                run.workloads.extend(service_selectors::workload(obj));
                run.services
                    .extend(service_selectors::service(file, &doc, obj, findings));
            }
        }
    }

    const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n";
    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    metadata: {labels: {app: LABEL}}\n    spec: {containers: [{name: c, image: x}]}\n";

    fn run_over(files: &[(&str, &str)]) -> Vec<(String, Vec<Finding>)> {
        let mut run = Run::default();
        let mut out: Vec<(String, Vec<Finding>, Vec<Finding>)> = Vec::new();
        for (name, text) in files {
            let mut findings = Vec::new();
            gather(name, text, &mut run, &mut findings);
            out.push(((*name).to_owned(), findings, Vec::new()));
        }
        check(
            &run,
            &[],
            out.iter_mut().map(|(file, findings, suppressed)| FileFindings {
                file,
                findings,
                suppressed,
            }),
        );
        out.into_iter().map(|(file, findings, _)| (file, findings)).collect()
    }

    #[test]
    fn a_workload_in_another_file_answers_the_service() {
        let deployment = DEPLOYMENT.replace("LABEL", "web");
        let got = run_over(&[("svc.yaml", SERVICE), ("deploy.yaml", &deployment)]);
        assert!(got.iter().all(|(_, findings)| findings.is_empty()), "{got:?}");
    }

    #[test]
    fn a_service_no_workload_answers_keeps_its_finding_with_the_closest() {
        let deployment = DEPLOYMENT.replace("LABEL", "api");
        let got = run_over(&[("svc.yaml", SERVICE), ("deploy.yaml", &deployment)]);
        let [finding] = got[0].1.as_slice() else {
            panic!("{got:?}")
        };
        assert_eq!(finding.rule, "K8S030");
        assert_eq!(
            finding.help.as_deref(),
            Some("make the selector a subset of the pod labels; the closest workload, Deployment/api, has app=api")
        );
    }
}
