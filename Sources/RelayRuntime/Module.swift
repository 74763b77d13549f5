public enum RelayRuntimeModule {}
