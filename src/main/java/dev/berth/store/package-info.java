/**
 * Where Berth keeps what it must not lose: the data dir (its lock, master key and blob folder) and
 * the database, SQLite by default or PostgreSQL, with versioned SQL migrations that run on both,
 * and change notices between processes (PostgreSQL {@code LISTEN/NOTIFY}; SQLite readers poll).
 *
 * <p>Imports {@code core}, JDBC and the two drivers. Domains reach the database through {@link
 * dev.berth.store.Database} and write their own SQL in portable form.
 */
package dev.berth.store;
