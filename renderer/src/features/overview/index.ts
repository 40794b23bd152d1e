export { OverviewView } from './OverviewView';
