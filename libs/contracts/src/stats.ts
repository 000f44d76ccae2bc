export interface StatsStoppedPayload {
  container_id: string;
  host_id: string;
  message: string;
}
