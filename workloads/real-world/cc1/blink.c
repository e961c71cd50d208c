/*
 * wasm-arena real-world workload, small size: the smallest useful AVR
 * program for cc1, a blinking LED paced by a busy-wait, with a CRC-8 over a
 * serial number so there is a loop worth optimising. No headers.
 */

#define PORTB (*(volatile unsigned char *)0x25)
#define DDRB (*(volatile unsigned char *)0x24)

static const unsigned char serial[6] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x58};

static unsigned char crc8(const unsigned char *p, unsigned char len)
{
    unsigned char crc = 0;
    while (len--) {
        crc ^= *p++;
        for (unsigned char i = 0; i < 8; i++)
            crc = (unsigned char)(crc & 0x80 ? (crc << 1) ^ 0x07 : crc << 1);
    }
    return crc;
}

static void delay(unsigned int n)
{
    while (n--)
        __asm__ __volatile__("nop");
}

int main(void)
{
    unsigned char id = crc8(serial, sizeof serial);
    DDRB = 0x20;
    for (;;) {
        PORTB ^= 0x20;
        delay(1000u + id);
    }
}
