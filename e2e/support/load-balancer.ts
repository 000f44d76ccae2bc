/** The round-robin TCP load balancer in front of the gateway replicas lives in the test helpers. */
export { startLoadBalancer, type LoadBalancer } from '@flotilla/testing';
