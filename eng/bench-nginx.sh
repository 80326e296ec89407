# Sourced by the benchmark scripts: the nginx settings they share (a foreground nginx, everything under one work folder,
# no access log, sendfile), printed before their own server blocks.
#   nginx_preamble <work-folder>   prints the config up to and including "http {" and its common settings
nginx_preamble() {
  local work=$1
  cat <<CONF
user root;
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { application/octet-stream bin; }
CONF
}
