//! Windows Server editions: ECS names them by family, Kubernetes nodes by build number
//! (`node.kubernetes.io/windows-build`).

const WINDOWS_BUILDS: &[(&str, &str)] = &[
    ("10.0.17763", "WINDOWS_SERVER_2019_CORE"),
    ("10.0.20348", "WINDOWS_SERVER_2022_CORE"),
    ("10.0.26100", "WINDOWS_SERVER_2025_CORE"),
];

/// The ECS family for a Windows build.
pub fn windows_family(build: &str) -> Option<&'static str> {
    WINDOWS_BUILDS.iter().find(|(b, _)| *b == build).map(|(_, f)| *f)
}

/// The Windows build for an ECS family (Core editions only: Kubernetes has no label for Full).
pub fn windows_build(family: &str) -> Option<&'static str> {
    WINDOWS_BUILDS.iter().find(|(_, f)| *f == family).map(|(b, _)| *b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_ways() {
        assert_eq!(
            super::windows_build(super::windows_family("10.0.20348").unwrap()),
            Some("10.0.20348")
        );
        assert_eq!(super::windows_build("WINDOWS_SERVER_2022_FULL"), None);
    }
}
