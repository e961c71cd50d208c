/*
 * wasm-arena real-world workload: firmware for GCC's cc1 (AVR) to compile.
 *
 * A small but realistic ATmega328P application: an interrupt-driven UART
 * with ring buffers, a line-oriented command shell, CRC-8/CRC-16 framing of a
 * binary telemetry protocol, a fixed-point PID loop fed by a filtered ADC,
 * debounced buttons, a cooperative task scheduler and a checksummed settings
 * block in EEPROM. Self-contained: no headers, the registers are spelled out
 * the way avr-libc's <avr/io.h> would, so cc1 needs nothing but this file.
 */

typedef unsigned char uint8_t;
typedef signed char int8_t;
typedef unsigned int uint16_t;
typedef signed int int16_t;
typedef unsigned long uint32_t;
typedef signed long int32_t;
#if __STDC_VERSION__ < 202311L /* bool, true and false are keywords from C23 on */
typedef _Bool bool;
#define true 1
#define false 0
#endif
#define NULL ((void *)0)

#define F_CPU 16000000UL
#define SFR8(addr) (*(volatile uint8_t *)(addr))
#define SFR16(addr) (*(volatile uint16_t *)(addr))

/* ATmega328P registers (data-space addresses) */
#define PINB SFR8(0x23)
#define DDRB SFR8(0x24)
#define PORTB SFR8(0x25)
#define PIND SFR8(0x29)
#define DDRD SFR8(0x2A)
#define PORTD SFR8(0x2B)
#define EECR SFR8(0x3F)
#define EEDR SFR8(0x40)
#define EEAR SFR16(0x41)
#define SREG SFR8(0x5F)
#define TCCR0A SFR8(0x44)
#define TCCR0B SFR8(0x45)
#define OCR0A SFR8(0x47)
#define TIMSK0 SFR8(0x6E)
#define ADCW SFR16(0x78)
#define ADCSRA SFR8(0x7A)
#define ADMUX SFR8(0x7C)
#define TCCR1A SFR8(0x80)
#define TCCR1B SFR8(0x81)
#define OCR1A SFR16(0x88)
#define UCSR0A SFR8(0xC0)
#define UCSR0B SFR8(0xC1)
#define UCSR0C SFR8(0xC2)
#define UBRR0 SFR16(0xC4)
#define UDR0 SFR8(0xC6)

#define RXEN0 4
#define TXEN0 3
#define RXCIE0 7
#define UDRIE0 5
#define UCSZ00 1
#define EEPE 1
#define EEMPE 2
#define EERE 0
#define ADEN 7
#define ADSC 6
#define ADIE 3

#define cli() __asm__ __volatile__("cli" ::: "memory")
#define sei() __asm__ __volatile__("sei" ::: "memory")
#define ISR(vector) \
    void vector(void) __attribute__((signal, used, externally_visible)); \
    void vector(void)
#define USART_RX_vect __vector_18
#define USART_UDRE_vect __vector_19
#define TIMER0_COMPA_vect __vector_14
#define ADC_vect __vector_21

/* ------------------------------------------------------------------ */
/* critical sections                                                   */

static inline uint8_t irq_save(void)
{
    uint8_t s = SREG;
    cli();
    return s;
}

static inline void irq_restore(uint8_t s)
{
    SREG = s;
}

/* ------------------------------------------------------------------ */
/* ring buffers                                                        */

#define RING_SIZE 64 /* power of two */
#define RING_MASK (RING_SIZE - 1)

typedef struct {
    volatile uint8_t head;
    volatile uint8_t tail;
    uint8_t data[RING_SIZE];
} ring_t;

static ring_t rx_ring;
static ring_t tx_ring;
static volatile uint16_t rx_overruns;

static inline uint8_t ring_count(const ring_t *r)
{
    return (uint8_t)(r->head - r->tail) & RING_MASK;
}

static inline bool ring_full(const ring_t *r)
{
    return ring_count(r) == RING_MASK;
}

static bool ring_put(ring_t *r, uint8_t b)
{
    uint8_t next = (uint8_t)(r->head + 1) & RING_MASK;
    if (next == r->tail)
        return false;
    r->data[r->head] = b;
    r->head = next;
    return true;
}

static int16_t ring_get(ring_t *r)
{
    if (r->head == r->tail)
        return -1;
    uint8_t b = r->data[r->tail];
    r->tail = (uint8_t)(r->tail + 1) & RING_MASK;
    return b;
}

/* ------------------------------------------------------------------ */
/* UART                                                                */

static void uart_init(uint32_t baud)
{
    uint16_t ubrr = (uint16_t)((F_CPU / 16 / baud) - 1);
    UBRR0 = ubrr;
    UCSR0B = (1 << RXEN0) | (1 << TXEN0) | (1 << RXCIE0);
    UCSR0C = (3 << UCSZ00); /* 8N1 */
    rx_ring.head = rx_ring.tail = 0;
    tx_ring.head = tx_ring.tail = 0;
}

ISR(USART_RX_vect)
{
    uint8_t b = UDR0;
    if (!ring_put(&rx_ring, b))
        rx_overruns++;
}

ISR(USART_UDRE_vect)
{
    int16_t b = ring_get(&tx_ring);
    if (b < 0)
        UCSR0B &= (uint8_t)~(1 << UDRIE0);
    else
        UDR0 = (uint8_t)b;
}

static void uart_putc(uint8_t c)
{
    while (ring_full(&tx_ring))
        ;
    uint8_t s = irq_save();
    ring_put(&tx_ring, c);
    UCSR0B |= (1 << UDRIE0);
    irq_restore(s);
}

static void uart_puts(const char *s)
{
    while (*s)
        uart_putc((uint8_t)*s++);
}

static void uart_put_u32(uint32_t v, uint8_t base, uint8_t width)
{
    char buf[11];
    uint8_t i = 0;
    do {
        uint8_t d = (uint8_t)(v % base);
        buf[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v && i < sizeof buf);
    while (i < width && i < sizeof buf)
        buf[i++] = '0';
    while (i)
        uart_putc((uint8_t)buf[--i]);
}

static void uart_put_i16(int16_t v)
{
    if (v < 0) {
        uart_putc('-');
        v = (int16_t)-v;
    }
    uart_put_u32((uint16_t)v, 10, 0);
}

static int16_t uart_getc(void)
{
    uint8_t s = irq_save();
    int16_t b = ring_get(&rx_ring);
    irq_restore(s);
    return b;
}

/* ------------------------------------------------------------------ */
/* checksums                                                           */

static uint8_t crc8_maxim(const uint8_t *p, uint8_t len)
{
    uint8_t crc = 0;
    while (len--) {
        uint8_t in = *p++;
        for (uint8_t i = 0; i < 8; i++) {
            uint8_t mix = (crc ^ in) & 0x01;
            crc >>= 1;
            if (mix)
                crc ^= 0x8C;
            in >>= 1;
        }
    }
    return crc;
}

static uint16_t crc16_ccitt_update(uint16_t crc, uint8_t data)
{
    data ^= (uint8_t)(crc & 0xff);
    data ^= (uint8_t)(data << 4);
    return (uint16_t)((((uint16_t)data << 8) | (crc >> 8)) ^ (uint8_t)(data >> 4) ^ ((uint16_t)data << 3));
}

static uint16_t crc16_ccitt(const uint8_t *p, uint16_t len)
{
    uint16_t crc = 0xFFFF;
    while (len--)
        crc = crc16_ccitt_update(crc, *p++);
    return crc;
}

/* ------------------------------------------------------------------ */
/* EEPROM settings                                                     */

typedef struct {
    uint8_t version;
    uint8_t node_id;
    int16_t setpoint;  /* tenths of a degree */
    int16_t kp, ki, kd; /* Q8.8 */
    uint16_t report_ms;
    uint8_t flags;
    uint8_t crc;
} settings_t;

#define SETTINGS_VERSION 3
#define SETTINGS_ADDR 0x10

static settings_t settings;

static uint8_t eeprom_read_byte(uint16_t addr)
{
    while (EECR & (1 << EEPE))
        ;
    EEAR = addr;
    EECR |= (1 << EERE);
    return EEDR;
}

static void eeprom_write_byte(uint16_t addr, uint8_t value)
{
    while (EECR & (1 << EEPE))
        ;
    EEAR = addr;
    EEDR = value;
    uint8_t s = irq_save();
    EECR |= (1 << EEMPE);
    EECR |= (1 << EEPE);
    irq_restore(s);
}

static void eeprom_update_block(const void *src, uint16_t addr, uint8_t len)
{
    const uint8_t *p = (const uint8_t *)src;
    for (uint8_t i = 0; i < len; i++, addr++)
        if (eeprom_read_byte(addr) != p[i])
            eeprom_write_byte(addr, p[i]);
}

static void eeprom_read_block(void *dst, uint16_t addr, uint8_t len)
{
    uint8_t *p = (uint8_t *)dst;
    while (len--)
        *p++ = eeprom_read_byte(addr++);
}

static void settings_defaults(void)
{
    settings.version = SETTINGS_VERSION;
    settings.node_id = 7;
    settings.setpoint = 450;
    settings.kp = 3 * 256;
    settings.ki = 40;
    settings.kd = 128;
    settings.report_ms = 500;
    settings.flags = 0x01;
}

static void settings_save(void)
{
    settings.crc = crc8_maxim((const uint8_t *)&settings, sizeof settings - 1);
    eeprom_update_block(&settings, SETTINGS_ADDR, sizeof settings);
}

static bool settings_load(void)
{
    eeprom_read_block(&settings, SETTINGS_ADDR, sizeof settings);
    if (settings.version != SETTINGS_VERSION ||
        settings.crc != crc8_maxim((const uint8_t *)&settings, sizeof settings - 1)) {
        settings_defaults();
        settings_save();
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* time base and ADC                                                   */

static volatile uint32_t ticks_ms;
static volatile uint16_t adc_raw[4];
static volatile uint8_t adc_channel;

ISR(TIMER0_COMPA_vect)
{
    ticks_ms++;
}

ISR(ADC_vect)
{
    adc_raw[adc_channel] = ADCW;
    adc_channel = (uint8_t)((adc_channel + 1) & 3);
    ADMUX = (uint8_t)((1 << 6) | adc_channel);
    ADCSRA |= (1 << ADSC);
}

static uint32_t millis(void)
{
    uint8_t s = irq_save();
    uint32_t t = ticks_ms;
    irq_restore(s);
    return t;
}

static void timers_init(void)
{
    TCCR0A = 0x02;            /* CTC */
    TCCR0B = 0x03;            /* clk/64 */
    OCR0A = (uint8_t)(F_CPU / 64 / 1000 - 1);
    TIMSK0 = 0x02;
    TCCR1A = 0x82;            /* fast PWM, clear on match */
    TCCR1B = 0x19;            /* ICR1 top, no prescale */
    OCR1A = 0;
    ADMUX = (1 << 6);
    ADCSRA = (1 << ADEN) | (1 << ADIE) | 0x07;
    ADCSRA |= (1 << ADSC);
}

/* exponential moving average in Q8 */
typedef struct {
    int32_t acc;
    uint8_t shift;
} ema_t;

static int16_t ema_update(ema_t *f, int16_t sample)
{
    f->acc += (((int32_t)sample << 8) - f->acc) >> f->shift;
    return (int16_t)(f->acc >> 8);
}

/* linear interpolation over a thermistor table: ADC -> tenths of a degree */
static const int16_t therm_table[][2] = {
    {92, 1250}, {160, 1000}, {260, 800}, {390, 600}, {512, 450},
    {640, 300}, {760, 150}, {860, 0}, {930, -150}, {980, -300},
};

static int16_t adc_to_temp(uint16_t adc)
{
    const uint8_t n = sizeof therm_table / sizeof therm_table[0];
    if (adc <= (uint16_t)therm_table[0][0])
        return therm_table[0][1];
    for (uint8_t i = 1; i < n; i++) {
        int16_t x0 = therm_table[i - 1][0], x1 = therm_table[i][0];
        if ((int16_t)adc <= x1) {
            int16_t y0 = therm_table[i - 1][1], y1 = therm_table[i][1];
            return (int16_t)(y0 + (int32_t)(y1 - y0) * ((int16_t)adc - x0) / (x1 - x0));
        }
    }
    return therm_table[n - 1][1];
}

/* ------------------------------------------------------------------ */
/* PID                                                                 */

typedef struct {
    int16_t kp, ki, kd; /* Q8.8 */
    int32_t integral;
    int16_t last_error;
    int16_t out_min, out_max;
} pid_t;

static pid_t pid;

static int16_t clamp16(int32_t v, int16_t lo, int16_t hi)
{
    if (v < lo)
        return lo;
    if (v > hi)
        return hi;
    return (int16_t)v;
}

static int16_t pid_step(pid_t *p, int16_t setpoint, int16_t measured)
{
    int16_t error = (int16_t)(setpoint - measured);
    int32_t prop = (int32_t)p->kp * error;
    int32_t next = p->integral + (int32_t)p->ki * error;
    int32_t deriv = (int32_t)p->kd * (error - p->last_error);
    p->last_error = error;
    int32_t out = (prop + next + deriv) >> 8;
    /* anti-windup: only integrate while the output is not saturated */
    if (out > p->out_min && out < p->out_max)
        p->integral = next;
    return clamp16(out, p->out_min, p->out_max);
}

/* ------------------------------------------------------------------ */
/* buttons                                                             */

typedef struct {
    uint8_t integrator;
    uint8_t state;
    uint8_t pressed;
} debounce_t;

static debounce_t buttons[3];

static void debounce_update(debounce_t *d, bool raw)
{
    if (raw) {
        if (d->integrator < 8 && ++d->integrator == 8 && !d->state) {
            d->state = 1;
            d->pressed = 1;
        }
    } else if (d->integrator > 0 && --d->integrator == 0) {
        d->state = 0;
    }
}

/* ------------------------------------------------------------------ */
/* telemetry frames: 0x7E | len | type | payload | crc16                */

enum { FRAME_START = 0x7E, FRAME_ESC = 0x7D };
enum { MSG_STATUS = 1, MSG_SETTINGS = 2, MSG_EVENT = 3 };

static void frame_send(uint8_t type, const uint8_t *payload, uint8_t len)
{
    uint8_t hdr[2] = {len, type};
    uint16_t crc = crc16_ccitt(hdr, 2);
    for (uint8_t i = 0; i < len; i++)
        crc = crc16_ccitt_update(crc, payload[i]);
    uart_putc(FRAME_START);
    for (uint8_t i = 0; i < (uint8_t)(len + 4); i++) {
        uint8_t b;
        if (i < 2)
            b = hdr[i];
        else if (i < len + 2)
            b = payload[i - 2];
        else if (i == len + 2)
            b = (uint8_t)(crc & 0xff);
        else
            b = (uint8_t)(crc >> 8);
        if (b == FRAME_START || b == FRAME_ESC) {
            uart_putc(FRAME_ESC);
            b ^= 0x20;
        }
        uart_putc(b);
    }
}

struct status_msg {
    uint32_t uptime;
    int16_t temp;
    int16_t output;
    uint16_t overruns;
    uint8_t buttons;
};

/* ------------------------------------------------------------------ */
/* command shell                                                       */

#define LINE_MAX 32
static char line[LINE_MAX];
static uint8_t line_len;

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static const char *next_token(const char *s, char *out, uint8_t cap)
{
    while (*s == ' ')
        s++;
    uint8_t n = 0;
    while (*s && *s != ' ' && n + 1 < cap)
        out[n++] = *s++;
    out[n] = 0;
    return s;
}

static bool parse_i16(const char *s, int16_t *out)
{
    bool neg = false;
    int32_t v = 0;
    if (*s == '-') {
        neg = true;
        s++;
    }
    if (!*s)
        return false;
    while (*s) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s++ - '0');
        if (v > 32767)
            return false;
    }
    *out = (int16_t)(neg ? -v : v);
    return true;
}

typedef void (*cmd_fn)(const char *args);

static void cmd_help(const char *args);

static void cmd_get(const char *args)
{
    (void)args;
    uart_puts("sp=");
    uart_put_i16(settings.setpoint);
    uart_puts(" kp=");
    uart_put_i16(settings.kp);
    uart_puts(" ki=");
    uart_put_i16(settings.ki);
    uart_puts(" kd=");
    uart_put_i16(settings.kd);
    uart_puts(" id=");
    uart_put_u32(settings.node_id, 16, 2);
    uart_puts("\r\n");
}

static void cmd_set(const char *args)
{
    char key[8], val[8];
    int16_t v;
    args = next_token(args, key, sizeof key);
    next_token(args, val, sizeof val);
    if (!parse_i16(val, &v)) {
        uart_puts("bad value\r\n");
        return;
    }
    if (str_eq(key, "sp"))
        settings.setpoint = v;
    else if (str_eq(key, "kp"))
        settings.kp = v;
    else if (str_eq(key, "ki"))
        settings.ki = v;
    else if (str_eq(key, "kd"))
        settings.kd = v;
    else if (str_eq(key, "rep") && v >= 50)
        settings.report_ms = (uint16_t)v;
    else {
        uart_puts("unknown key\r\n");
        return;
    }
    pid.kp = settings.kp;
    pid.ki = settings.ki;
    pid.kd = settings.kd;
    uart_puts("ok\r\n");
}

static void cmd_save(const char *args)
{
    (void)args;
    settings_save();
    uart_puts("saved crc=");
    uart_put_u32(settings.crc, 16, 2);
    uart_puts("\r\n");
}

static void cmd_reset(const char *args)
{
    (void)args;
    settings_defaults();
    pid.integral = 0;
    uart_puts("defaults\r\n");
}

static const struct {
    const char *name;
    cmd_fn fn;
} commands[] = {
    {"help", cmd_help}, {"get", cmd_get}, {"set", cmd_set},
    {"save", cmd_save}, {"reset", cmd_reset},
};

#define N_COMMANDS ((uint8_t)(sizeof commands / sizeof commands[0]))

static void cmd_help(const char *args)
{
    (void)args;
    for (uint8_t i = 0; i < N_COMMANDS; i++) {
        uart_puts(commands[i].name);
        uart_puts(i + 1 < N_COMMANDS ? " " : "\r\n");
    }
}

static void shell_dispatch(void)
{
    char name[8];
    const char *rest = next_token(line, name, sizeof name);
    for (uint8_t i = 0; i < N_COMMANDS; i++) {
        if (str_eq(name, commands[i].name)) {
            commands[i].fn(rest);
            return;
        }
    }
    if (name[0])
        uart_puts("?\r\n");
}

static void shell_poll(void)
{
    int16_t c;
    while ((c = uart_getc()) >= 0) {
        if (c == '\r' || c == '\n') {
            line[line_len] = 0;
            shell_dispatch();
            line_len = 0;
        } else if (c == 0x08 || c == 0x7F) {
            if (line_len)
                line_len--;
        } else if (line_len + 1 < LINE_MAX) {
            line[line_len++] = (char)c;
        }
    }
}

/* ------------------------------------------------------------------ */
/* scheduler                                                           */

typedef struct {
    void (*run)(void);
    uint16_t period_ms;
    uint32_t next_ms;
} task_t;

static ema_t temp_filter = {0, 3};
static int16_t temperature;
static int16_t output;

static void task_buttons(void)
{
    uint8_t pins = PIND;
    for (uint8_t i = 0; i < 3; i++)
        debounce_update(&buttons[i], !(pins & (1 << (2 + i))));
    if (buttons[0].pressed) {
        buttons[0].pressed = 0;
        settings.setpoint += 5;
    }
    if (buttons[1].pressed) {
        buttons[1].pressed = 0;
        settings.setpoint -= 5;
    }
    if (buttons[2].pressed) {
        buttons[2].pressed = 0;
        uint8_t ev[3] = {1, (uint8_t)settings.setpoint, (uint8_t)(settings.setpoint >> 8)};
        frame_send(MSG_EVENT, ev, sizeof ev);
    }
}

static void task_control(void)
{
    uint8_t s = irq_save();
    uint16_t raw = adc_raw[0];
    irq_restore(s);
    temperature = ema_update(&temp_filter, adc_to_temp(raw));
    output = pid_step(&pid, settings.setpoint, temperature);
    OCR1A = (uint16_t)output;
    PORTB = (uint8_t)((PORTB & ~0x20) | (output > 512 ? 0x20 : 0));
}

static void task_report(void)
{
    struct status_msg m;
    m.uptime = millis();
    m.temp = temperature;
    m.output = output;
    m.overruns = rx_overruns;
    m.buttons = (uint8_t)(buttons[0].state | buttons[1].state << 1 | buttons[2].state << 2);
    frame_send(MSG_STATUS, (const uint8_t *)&m, sizeof m);
}

static task_t tasks[] = {
    {task_buttons, 5, 0},
    {task_control, 20, 0},
    {task_report, 500, 0},
    {shell_poll, 10, 0},
};

static void scheduler_run_once(void)
{
    uint32_t now = millis();
    tasks[2].period_ms = settings.report_ms;
    for (uint8_t i = 0; i < sizeof tasks / sizeof tasks[0]; i++) {
        task_t *t = &tasks[i];
        if ((int32_t)(now - t->next_ms) >= 0) {
            t->next_ms = now + t->period_ms;
            t->run();
        }
    }
}

int main(void)
{
    DDRB = 0x22;  /* PB1 PWM, PB5 LED */
    DDRD = 0x00;
    PORTD = 0x1C; /* pull-ups on PD2..PD4 */
    uart_init(115200);
    timers_init();
    bool loaded = settings_load();
    pid.kp = settings.kp;
    pid.ki = settings.ki;
    pid.kd = settings.kd;
    pid.out_min = 0;
    pid.out_max = 1023;
    sei();
    uart_puts(loaded ? "boot: settings ok\r\n" : "boot: defaults\r\n");
    frame_send(MSG_SETTINGS, (const uint8_t *)&settings, sizeof settings);
    for (;;)
        scheduler_run_once();
}
