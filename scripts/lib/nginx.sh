# Shared by the demo and the benchmark: a private nginx-rtmp in its own prefix.
# usage: nginx_start PREFIX RTMP_PORT HTTP_PORT [APPS]   (HLS under http://127.0.0.1:HTTP_PORT/hls/;
#        what is published to app `rec` is kept as PREFIX/rec/NAME.flv; APPS: more
#        `application NAME { … }` blocks for the RTMP server)
#        nginx_stop PREFIX

nginx_start() {
  local prefix=$1 rtmp_port=$2 http_port=$3 apps=${4:-}
  mkdir -p "$prefix/hls" "$prefix/rec" "$prefix/logs" "$prefix/tmp"
  # nginx's workers run as nobody when started as root; they write the HLS files.
  chmod 755 "$prefix"
  chmod 777 "$prefix/hls" "$prefix/rec"
  cat > "$prefix/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log info;
events { worker_connections 1024; }
rtmp {
  server {
    listen 127.0.0.1:$rtmp_port;
    chunk_size 4096;
    application live {
      live on; record off;
      hls on; hls_path $prefix/hls; hls_fragment 2s; hls_playlist_length 12s;
    }
    # The transcode benchmark judges exactly what each tool sent.
    application rec {
      live on;
      record all; record_path $prefix/rec; record_unique off;
    }
    $apps
  }
}
http {
  access_log off;
  client_body_temp_path $prefix/tmp/cb; proxy_temp_path $prefix/tmp/p; fastcgi_temp_path $prefix/tmp/f;
  uwsgi_temp_path $prefix/tmp/u; scgi_temp_path $prefix/tmp/s;
  server {
    listen 127.0.0.1:$http_port;
    location /hls {
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
      alias $prefix/hls;
      add_header Cache-Control no-cache;
      add_header Access-Control-Allow-Origin *;
    }
    location /stat { rtmp_stat all; }
  }
}
CONF
  nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log"
}

nginx_stop() {
  local prefix=$1
  [ -f "$prefix/nginx.pid" ] && kill "$(cat "$prefix/nginx.pid")" 2>/dev/null || true
}
