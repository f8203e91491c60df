/**
 * Where app instances run: the Docker engine or supervised processes. For now it decides which
 * runtime {@code --runtime auto|docker|process} means on this machine; the runtimes themselves come
 * with the deploy engine.
 *
 * <p>Imports {@code core} only. Nothing outside this package knows where an instance runs.
 */
package dev.berth.runtime;
