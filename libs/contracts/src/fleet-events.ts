/** Stream entries of a host's event stream keep their payload as JSON in this one field. */
export const FLEET_EVENT_FIELD = 'd';
