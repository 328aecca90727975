"""bench/compare: dnsd next to dnsdist, Unbound and CoreDNS on the same machine (bench/README.md)."""
