output "service_url" {
  description = "The web service's run.app URL in this region."
  value       = "https://${local.service_host}"
}

output "service_name" {
  value = google_cloud_run_v2_service.web.name
}
