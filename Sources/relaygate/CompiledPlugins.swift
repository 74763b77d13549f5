import AgoraSource
import CloudflareSink
import FileSink
import H264Transcoder
import HLSSink
import IVSSink
import PassthroughTranscoder
import PullSource
import RawPipeSource
import RTMPSink
import RTMPSource
import TestSource
import RelayCore

/// Every plugin compiled into this binary (nginx's ngx_modules[]). The config decides
/// which are used. Adding a plugin: a target in Package.swift's `plugins` list + one line here.
enum CompiledPlugins {
    static let registry = PluginRegistry(
        sources: [
            PullSourcePlugin.self,
            TestSourcePlugin.self,
            RawPipeSourcePlugin.self,
            RTMPSourcePlugin.self,
            AgoraSourcePlugin.self,
        ],
        transcoders: [
            PassthroughPlugin.self,
            H264TranscoderPlugin.self,
            AutoTranscoderPlugin.self,
        ],
        sinks: [
            RTMPSinkPlugin.self,
            HLSSinkPlugin.self,
            FileSinkPlugin.self,
            CloudflareSinkPlugin.self,
            IVSSinkPlugin.self,
        ]
    )
}
