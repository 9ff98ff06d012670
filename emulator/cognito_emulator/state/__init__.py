"""Durable state (`--state-dir DIR`): the emulator's pools, users, tokens, codes, outbox, keys
and clock offset kept in a directory, so that a restart finds them again.

How a change reaches the disk: every store the state is made of (`records.RecordSource`: moto's
pools and users, the token ledger, the code book, the key store, the clock) names the records a
call looked up or changed in one shared set (`records.Touched`). When the call lets the backend
lock go (`backend_lock`), `DurableState.commit` serializes each of those records again and
appends to the journal the ones whose bytes differ from what the directory already holds. The
caller gets its answer only after that `write()` returned, and the operating system keeps what
was written when the process is killed, even with `kill -9` (not through a power cut: the
journal is not fsynced on every call). The journal is folded into a new snapshot when the
emulator starts and whenever it has grown past twice the snapshot.
"""
