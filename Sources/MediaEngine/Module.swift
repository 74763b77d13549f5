public enum MediaEngineModule {}
