package dev.berth.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the process's resident memory from {@code /proc/self/status} (Linux). */
final class ProcessStatus {
  private ProcessStatus() {}

  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring(6).replace("kB", "").strip();
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
