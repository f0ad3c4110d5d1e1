//! FG001 / FG002: task-level cpu and memory must be one of the 74 Fargate sizes.

use super::{Task, first_line, shown};
use crate::finding::{Finding, ids};
use crate::model::facts::fargate_sizes::{Size, SizeTable, gb, vcpu};
use crate::model::quantity::{ecs_cpu, ecs_memory};

pub(super) fn check(task: &Task<'_>, out: &mut Vec<Finding>) {
    let table = SizeTable::get();
    let (cpu, memory) = (task.node.get("cpu"), task.node.get("memory"));
    let (Some(cpu), Some(memory)) = (cpu, memory) else {
        let anchor = task
            .node
            .entry("requiresCompatibilities")
            .map_or_else(|| first_line(task.node), |e| e.key_span);
        let missing = match (cpu, memory) {
            (None, None) => "cpu and memory",
            (None, Some(_)) => "cpu",
            _ => "memory",
        };
        out.push(
            task.finding(
                ids::FG_SIZE_MISSING,
                anchor,
                "",
                format!("Fargate requires task-level {missing}"),
            )
            .with_label(format!("no task-level {missing}"))
            .with_help("add e.g. \"cpu\": \"256\", \"memory\": \"512\" (the smallest Fargate size)"),
        );
        return;
    };
    let cpus: Vec<String> = table.cpus().iter().map(|c| format!("{c} ({})", vcpu(*c))).collect();
    let Some(cpu_units) = cpu.scalar_text().as_deref().and_then(ecs_cpu) else {
        out.push(
            task.finding(
                ids::FG_SIZE,
                cpu.span,
                "/cpu",
                format!("cpu {} is not a cpu value", shown(cpu)),
            )
            .with_label("not a cpu value")
            .with_help(format!("use one of: {}", cpus.join(", "))),
        );
        return;
    };
    let Some(memory_mib) = memory.scalar_text().as_deref().and_then(ecs_memory) else {
        out.push(
            task.finding(
                ids::FG_SIZE,
                memory.span,
                "/memory",
                format!("memory {} is not a memory value", shown(memory)),
            )
            .with_label("not a memory value")
            .with_help("write MiB (\"2048\") or GB (\"2 GB\")"),
        );
        return;
    };
    let wanted = Size {
        cpu: cpu_units,
        memory: memory_mib,
    };
    if table.is_valid(wanted) {
        return;
    }
    let as_of = format!("Fargate sizes as of {}", table.as_of);
    let bigger = table.round_up(wanted).map(|s| {
        let platform = table
            .platform_for(s.cpu)
            .map_or_else(String::new, |p| format!(", Linux platform version {p} or later"));
        format!(
            "the smallest size that holds both is cpu \"{}\", memory \"{}\" ({}{platform})",
            s.cpu,
            s.memory,
            s.describe()
        )
    });
    if table.memory_for(cpu_units).is_none() {
        let mut help = format!("Fargate cpu values: {}", cpus.join(", "));
        if let Some(b) = bigger {
            help = format!("{b}; {help}");
        }
        out.push(
            task.finding(
                ids::FG_SIZE,
                cpu.span,
                "/cpu",
                format!("Invalid 'cpu' setting for task: {cpu_units} units is not a Fargate size ({as_of})"),
            )
            .with_label("not a Fargate cpu value")
            .with_help(help),
        );
        return;
    }
    let mut help = format!(
        "with {} use memory {}",
        vcpu(cpu_units),
        table.memory_for(cpu_units).unwrap_or_default()
    );
    if let Some(same) = table.same_cpu(wanted) {
        help.push_str(&format!(" (nearest: \"{}\")", same.memory));
    }
    if let Some(b) = bigger {
        help.push_str(&format!("; to keep {}, {b}", gb(memory_mib)));
    }
    out.push(
        task.finding(
            ids::FG_SIZE,
            memory.span,
            "/memory",
            format!(
                "No Fargate configuration exists for cpu {cpu_units} ({}) with memory {memory_mib} MiB ({}) ({as_of})",
                vcpu(cpu_units),
                gb(memory_mib)
            ),
        )
        .with_label("not valid with this cpu")
        .with_help(help),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, task};

    #[test]
    fn a_bigger_size_names_its_platform_version() {
        let text = task(r#""containerDefinitions": []"#).replace("\"2048\"", "\"40960\"");
        let found = findings(&text, "FG001");
        let help = found[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("platform version 1.4.0"), "{help}");
    }
}
