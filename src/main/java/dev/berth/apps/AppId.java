package dev.berth.apps;

/** An app's stable id (time-sortable text); the name may be the user's, the id is Berth's. */
public record AppId(String value) {
  @Override
  public String toString() {
    return value;
  }
}
