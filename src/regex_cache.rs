//! The search caches of the rules' regexes for one thread, with a budget: used by the
//! scanner, the rules' gates and the light engine (a leaf: it imports nothing of the crate).

/// The search caches of the rules' gates and patterns for one thread, with a budget. A
/// regex's own pool keeps a cache per thread that ever searched with it, for as long as the
/// regex lives; on a large input (a long history) that grows to a cache for each of hundreds
/// of rules, some MiB each (an NFA simulation's cache is its pattern's size). These are
/// dropped whenever they add up to more than [`RegexCaches::BUDGET`] (checked between blobs),
/// and made again on the next search.
#[derive(Default)]
pub struct RegexCaches {
    /// By the regex's address, which is stable while its scanner's rules are borrowed (and
    /// the caches of another scanner's are dropped: see `owner`).
    pub(crate) caches: std::collections::HashMap<usize, regex_automata::meta::Cache>,
    /// The scanner the caches were made for (its `id`).
    pub(crate) owner: usize,
    /// Caches made since the budget was last checked.
    pub(crate) made: usize,
    /// `BUDGET`, unless a test set another.
    pub(crate) budget: Option<usize>,
}

impl RegexCaches {
    /// The most memory a thread's caches may keep between blobs.
    pub const BUDGET: usize = 8 << 20;

    /// The cache to search `re` with (made now if there is none).
    pub fn get(&mut self, re: &regex_automata::meta::Regex) -> &mut regex_automata::meta::Cache {
        let key = std::ptr::from_ref(re) as usize;
        self.caches.entry(key).or_insert_with(|| {
            self.made += 1;
            re.create_cache()
        })
    }

    /// Between blobs: forget the caches of another scanner's regexes, and all of them when
    /// they hold more than the budget.
    pub(crate) fn settle(&mut self, owner: usize) {
        if self.owner != owner {
            self.caches.clear();
            self.owner = owner;
            self.made = 0;
            return;
        }
        // Lazy DFAs grow while they search, so the sizes are summed now and then even when no
        // cache was made.
        self.made += 1;
        if self.made < 16 {
            return;
        }
        self.made = 0;
        let held: usize = self.caches.values().map(|c| c.memory_usage()).sum();
        if held > self.budget.unwrap_or(Self::BUDGET) {
            self.caches.clear();
        }
    }

    /// How much memory the caches hold (for tests).
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.caches.values().map(|c| c.memory_usage()).sum()
    }
}
