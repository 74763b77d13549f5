public enum RelayConfigModule {}
