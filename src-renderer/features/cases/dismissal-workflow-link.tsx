import { Button } from '@mantine/core';
import { useTr } from './case-ui.ts';

/** From a lost-contact case whose dismissal preconditions hold: open the 旷工解除 workflow (a case of its own, /cases). */
export function DismissalWorkflowLink({ anomalyId }: { anomalyId: string }) {
  const { tr } = useTr();
  return (
    <Button component="a" href={`#/cases/new?from=${encodeURIComponent(anomalyId)}`} variant="light" color="red" data-testid="case-open-dismissal-workflow">
      {tr('在案件中办理旷工解除流程', 'Open the absenteeism dismissal workflow')}
    </Button>
  );
}
