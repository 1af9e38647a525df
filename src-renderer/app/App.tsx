import { MantineProvider, Title } from '@mantine/core';

export function App() {
  return (
    <MantineProvider>
      <Title>人事 Renshi</Title>
    </MantineProvider>
  );
}
