//! Deterministic sharding: which 1/N of a plan's cells one run measures
//! (`run --shard I/N`), so that N machines can split a run and `merge` can
//! join their results directories back into one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (1-based, as CI matrices count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether the cell (runtime id, workload id) belongs to this shard.
    /// It depends on the cell and the shard count alone, not on the rest of
    /// the plan: the same cell is in the same shard whatever else is run,
    /// on every machine and with every build.
    pub fn contains(&self, runtime: &str, workload: &str) -> bool {
        cell_hash(runtime, workload) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// 64-bit FNV-1a of the two ids with a separator no id contains. A fixed
/// function, unlike std's randomly keyed hasher, whose output may also
/// change between Rust releases; a shard must not.
fn cell_hash(runtime: &str, workload: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    runtime
        .bytes()
        .chain(std::iter::once(0xff))
        .chain(workload.bytes())
        .fold(OFFSET, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        })
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `I/N` with 1 <= I <= N.
    fn from_str(text: &str) -> Result<Shard, String> {
        let (index, count) = text
            .split_once('/')
            .and_then(|(i, n)| Some((i.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?)))
            .ok_or_else(|| format!("`{text}` is not I/N (shard I of N, e.g. 2/4)"))?;
        if count == 0 {
            return Err(format!("`{text}`: the shard count N must be at least 1"));
        }
        if index == 0 || index > count {
            return Err(format!(
                "`{text}`: the shard index I must be between 1 and N ({count})"
            ));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_i_of_n_and_refuses_the_rest() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!("1/1".parse::<Shard>().unwrap().to_string(), "1/1");
        for bad in ["3/2", "0/0", "0/2", "1/0", "2", "a/b", "-1/2", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad} accepted");
        }
        assert_eq!(
            "3/2".parse::<Shard>(),
            Err("`3/2`: the shard index I must be between 1 and N (2)".into())
        );
    }

    #[test]
    fn the_hash_is_fnv_1a() {
        // The published FNV-1a test vectors, so the function cannot drift
        // (and move cells between shards) unnoticed.
        let fnv = |bytes: &[u8]| {
            bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            })
        };
        assert_eq!(fnv(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(
            cell_hash("wasmtime-cranelift", "sha256"),
            fnv(b"wasmtime-cranelift\xffsha256")
        );
    }

    #[test]
    fn every_cell_is_in_exactly_one_shard_and_shards_share_the_work() {
        let runtimes = [
            "wasmtime-cranelift",
            "wasmtime-winch",
            "wasmtime-pulley",
            "native",
        ];
        let workloads = ["empty", "sha256", "fannkuch", "wordfreq", "nbody", "json"];
        for count in 1..=5 {
            let mut sizes = vec![0; count as usize];
            for rt in runtimes {
                for wl in workloads {
                    let owners: Vec<u32> = (1..=count)
                        .filter(|&index| Shard { index, count }.contains(rt, wl))
                        .collect();
                    assert_eq!(owners.len(), 1, "{rt} {wl} in shards {owners:?} of {count}");
                    sizes[owners[0] as usize - 1] += 1;
                }
            }
            // 24 cells: no shard should be empty or hold most of them.
            assert!(
                sizes.iter().all(|&n| n > 0 && n <= 24 / count as usize + 5),
                "{sizes:?}"
            );
        }
    }

    #[test]
    fn a_cell_keeps_its_shard() {
        // Pinned: a change here moves cells between the machines of a CI matrix.
        let shard = |rt, wl| {
            (1..=3)
                .find(|&index| Shard { index, count: 3 }.contains(rt, wl))
                .unwrap()
        };
        assert_eq!(
            [
                shard("wasmtime-cranelift", "empty"),
                shard("wasmtime-cranelift", "sha256"),
                shard("wasmtime-cranelift", "fannkuch"),
                shard("wasmtime-winch", "sha256"),
            ],
            [3, 2, 3, 2]
        );
    }
}
