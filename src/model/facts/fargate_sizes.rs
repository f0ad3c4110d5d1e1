//! The Fargate task sizes (data/fargate-ecs-sizes.yaml) the ECS Fargate rules, convert and
//! estimate size tasks by; the cpu/memory notations the ECS API accepts ("1024", "1 vCPU",
//! "2 GB") are read by `model::quantity`.

use serde::Deserialize;
use std::sync::OnceLock;

const SIZES: &str = include_str!("data/fargate-ecs-sizes.yaml");

#[derive(Debug, Deserialize)]
pub struct SizeTable {
    pub source: String,
    pub as_of: String,
    sizes: Vec<CpuSizes>,
}

#[derive(Debug, Deserialize)]
struct CpuSizes {
    cpu: u64,
    memory: Memory,
    #[serde(default)]
    platform: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Memory {
    List(Vec<u64>),
    Range { from: u64, to: u64, step: u64 },
}

/// One valid task size: cpu units and memory MiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size {
    pub cpu: u64,
    pub memory: u64,
}

impl Size {
    /// `0.5 vCPU / 4 GB`
    pub fn describe(self) -> String {
        format!("{} / {}", vcpu(self.cpu), gb(self.memory))
    }
}

pub fn vcpu(units: u64) -> String {
    let v = units as f64 / 1024.0;
    format!("{} vCPU", trim(v))
}

pub fn gb(mib: u64) -> String {
    format!("{} GB", trim(mib as f64 / 1024.0))
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl SizeTable {
    pub fn get() -> &'static SizeTable {
        static TABLE: OnceLock<SizeTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The file ships in the binary and a test loads it, so this cannot fail at run time.
            super::read_yaml(SIZES).expect("src/model/facts/data/fargate-ecs-sizes.yaml is valid")
        })
    }

    /// Every valid (cpu, memory) pair, ascending.
    pub fn pairs(&self) -> Vec<Size> {
        let mut out = Vec::new();
        for s in &self.sizes {
            match &s.memory {
                Memory::List(list) => out.extend(list.iter().map(|&memory| Size { cpu: s.cpu, memory })),
                Memory::Range { from, to, step } => {
                    let mut m = *from;
                    while m <= *to {
                        out.push(Size { cpu: s.cpu, memory: m });
                        m += (*step).max(1);
                    }
                }
            }
        }
        out.sort();
        out
    }

    pub fn is_valid(&self, size: Size) -> bool {
        self.pairs().contains(&size)
    }

    pub fn cpus(&self) -> Vec<u64> {
        self.sizes.iter().map(|s| s.cpu).collect()
    }

    /// Memory range for one cpu value, as text ("2048-8192 MiB in 1024 steps").
    pub fn memory_for(&self, cpu: u64) -> Option<String> {
        let s = self.sizes.iter().find(|s| s.cpu == cpu)?;
        Some(match &s.memory {
            Memory::List(l) => l.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ") + " MiB",
            Memory::Range { from, to, step } => format!("{from}-{to} MiB in steps of {step}"),
        })
    }

    pub fn platform_for(&self, cpu: u64) -> Option<&str> {
        self.sizes.iter().find(|s| s.cpu == cpu)?.platform.as_deref()
    }

    /// The smallest valid size holding at least the requested cpu and memory: what the task
    /// needs to be changed to without giving anything up.
    pub fn round_up(&self, wanted: Size) -> Option<Size> {
        self.pairs()
            .into_iter()
            .filter(|p| p.cpu >= wanted.cpu && p.memory >= wanted.memory)
            .min_by_key(|p| (p.cpu, p.memory))
    }

    /// The valid size with the requested cpu whose memory is nearest (ties to the larger).
    pub fn same_cpu(&self, wanted: Size) -> Option<Size> {
        self.pairs()
            .into_iter()
            .filter(|p| p.cpu == wanted.cpu)
            .min_by_key(|p| (p.memory.abs_diff(wanted.memory), u64::MAX - p.memory))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_74_pairs() {
        let t = SizeTable::get();
        assert_eq!(t.pairs().len(), 74);
        assert!(t.is_valid(Size { cpu: 256, memory: 512 }));
        assert!(!t.is_valid(Size { cpu: 256, memory: 4096 }));
        assert!(t.is_valid(Size {
            cpu: 16384,
            memory: 122_880
        }));
        assert!(!t.is_valid(Size {
            cpu: 8192,
            memory: 18432
        }));
        assert_eq!(t.platform_for(8192), Some("1.4.0"));
    }

    #[test]
    fn suggestions() {
        let t = SizeTable::get();
        let want = Size { cpu: 512, memory: 8192 };
        assert_eq!(
            t.round_up(want),
            Some(Size {
                cpu: 1024,
                memory: 8192
            })
        );
        assert_eq!(t.same_cpu(want), Some(Size { cpu: 512, memory: 4096 }));
        assert_eq!(Size { cpu: 256, memory: 512 }.describe(), "0.25 vCPU / 0.5 GB");
    }
}
